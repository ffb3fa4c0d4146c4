// Українська. Ті самі ключі в усіх чотирьох файлах; {назва} – значення, що підставляється,
// об'єкт {one, few, many, other} – форми множини за Intl.PluralRules("uk").
export default {
  "app.tagline": "Електронні міграційні послуги",
  "app.skip": "Перейти до основного вмісту",
  "app.language": "Мова",
  "app.signOut": "Вийти",
  "app.footer.org": "Департамент міграції при Міністерстві внутрішніх справ Литовської Республіки",
  "app.footer.service": "MIGRIS – електронні міграційні послуги",
  "app.loading": "Завантаження…",
  "app.required": "Поля, позначені зірочкою (*), обов'язкові для заповнення.",
  "app.counter": "Введено символів:",
  "app.errorPrefix": "Помилка:",
  "app.successPrefix": "Виконано:",

  "time.seconds": "{n} с",
  "time.minutes": "{m} хв",
  "time.minutesSeconds": "{m} хв {s} с",
  "time.hoursMinutes": "{h} год {m} хв",

  "signin.title": "Вхід",
  "signin.intro": "Оберіть спосіб входу.",
  "signin.email.heading": "Використовуйте цей спосіб входу, якщо у Вас немає особового коду, наданого в Литві",
  "signin.email.text":
    "Під час входу через електронну пошту створюється обліковий запис неідентифікованого користувача 1 рівня: " +
    "Вашу особу не буде підтверджено, доки її не підтвердять працівники міграційної служби. " +
    "Тимчасовий код для входу ми надішлемо на вказану Вами адресу електронної пошти.",
  "signin.email.label": "Електронна пошта",
  "signin.email.hint": "Наприклад, imia.prizvyshche@example.com",
  "signin.submit": "Увійти",
  "signin.viisp.heading": "Використовуйте цей спосіб входу, якщо у Вас є особовий код, наданий в Литві",
  "signin.viisp.name": "Платформа взаємодії державних інформаційних ресурсів (VIISP)",
  "signin.viisp.text":
    "Для входу скористайтеся електронним банкінгом, посвідченням особи або мобільним електронним підписом. " +
    "Вашу особу буде підтверджено (користувач 3 рівня).",
  "signin.signedOut": "Ви вийшли з системи.",
  "signin.signedOutForgot": "Ви вийшли з системи. Цей пристрій забуто.",
  "signin.expired": "Ваш сеанс завершився. Увійдіть знову.",
  "signin.passkey.heading": "Ви створили ключ доступу?",
  "signin.passkey.text":
    "Увійдіть за допомогою обличчя, відбитка пальця або коду розблокування. Вводити адресу " +
    "електронної пошти не потрібно.",
  "signin.passkey.submit": "Увійти з ключем доступу",
  "signin.passkey.cancelled":
    "Вхід із ключем доступу не завершено. Спробуйте ще раз або оберіть інший спосіб входу нижче.",
  "signin.passkey.failed": "Цей браузер не може використати ключ доступу. Оберіть інший спосіб входу нижче.",
  "signin.passkey.refused":
    "Не вдалося увійти з цим ключем доступу. Можливо, його видалено з Вашого облікового запису. Оберіть " +
    "інший спосіб входу нижче.",

  "code.title": "Код для входу",
  "code.address": "Ваша адреса електронної пошти: {email}",
  "code.attention": "Увага!",
  "code.sameAddress": "Для входу використовуйте ту саму адресу електронної пошти.",
  "code.sent": "Ми надіслали тимчасовий код для входу на Вашу адресу електронної пошти. Введіть його нижче.",
  "code.label": "Тимчасовий код",
  "code.hint": "Код складається лише з цифр.",
  "code.submit": "Далі",
  "code.validity": {
    one: "Код для входу дійсний {n} хвилину. Якщо Ви не бачите листа, перевірте папку «Спам».",
    few: "Код для входу дійсний {n} хвилини. Якщо Ви не бачите листа, перевірте папку «Спам».",
    many: "Код для входу дійсний {n} хвилин. Якщо Ви не бачите листа, перевірте папку «Спам».",
    other: "Код для входу дійсний {n} хвилини. Якщо Ви не бачите листа, перевірте папку «Спам».",
  },
  "code.resend": "Надіслати новий код",
  "code.resendWait": "Новий код можна буде отримати через {time}.",
  "code.resendReady": "Не отримали листа? Ви можете запросити новий код.",
  "code.resent": "Новий код надіслано. Попередній код більше не дійсний.",
  "code.otherAddress": "Використати іншу адресу електронної пошти",
  "shared.label": "Це спільний комп'ютер",
  "shared.hint": "Ми не запам'ятаємо цей комп'ютер. Коли закінчите, вийдіть із системи.",

  "contact.title": "Контактні дані",
  "contact.intro": "Ви входите вперше. Будь ласка, вкажіть свої контактні дані.",
  "contact.introViisp": "Ви входите вперше. Ім'я та прізвище ми отримали з VIISP; вкажіть, будь ласка, дані, яких бракує.",
  "contact.given": "Ім'я (імена)",
  "contact.family": "Прізвище (прізвища)",
  "contact.namesHint": "Впишіть так, як зазначено у Вашому проїзному документі.",
  "contact.phone": "Номер телефону",
  "contact.phoneHint": "З кодом країни, наприклад +380 67 123 4567.",
  "contact.fromViisp": "Ім'я та прізвище отримано з VIISP.",
  "contact.warning":
    "Надалі змінити ім'я та прізвище зможуть лише працівники міграційної служби в Литві та в " +
    "дипломатичних представництвах і консульських установах Литовської Республіки за кордоном.",
  "contact.submit": "Далі",

  "account.title": "Мій обліковий запис",
  "account.saved": "Контактні дані збережено.",
  "account.person": "Особисті дані",
  "account.namesNote":
    "Змінити ім'я та прізвище можуть лише працівники міграційної служби в Литві та в " +
    "дипломатичних представництвах і консульських установах Литовської Республіки за кордоном.",
  "account.level": "Рівень користувача",
  "account.level.1": "Неідентифікований користувач 1 рівня",
  "account.level.1.note": "Вашу особу не підтверджено. Її можуть підтвердити працівники міграційної служби.",
  "account.level.2": "Користувач 2 рівня: особу підтвердили працівники міграційної служби",
  "account.level.3": "Користувач 3 рівня: особу підтверджено через VIISP",
  "account.method": "Спосіб входу",
  "account.method.email": "Електронна пошта й тимчасовий код",
  "account.method.viisp": "Через VIISP",
  "account.method.both": "Електронна пошта й тимчасовий код або VIISP",
  "account.identity": "Особа",
  "account.identity.none": "Не підтверджена (вхід через електронну пошту)",
  "account.identity.staff": "Підтверджена працівниками міграційної служби",
  "account.identity.viisp": "Підтверджена через VIISP",
  "account.identity.personalCode": "Підтверджена через VIISP (литовський особовий код)",
  "account.identity.eidas": "Підтверджена через eIDAS",
  "account.identity.eidasCountry": "Підтверджена через eIDAS ({country})",
  "account.notGiven": "Не вказано",
  "account.phone.heading": "Номер телефону",
  "account.phone.current": "Поточний номер телефону",
  "account.phone.label": "Новий номер телефону",
  "account.phone.submit": "Змінити номер телефону",
  "account.phone.changed": "Номер телефону змінено.",
  "account.email.heading": "Адреса електронної пошти",
  "account.email.current": "Поточна електронна пошта",
  "account.email.label": "Нова адреса електронної пошти",
  "account.email.hint":
    "На нову адресу ми надішлемо код підтвердження. Поточна адреса діятиме, доки Ви не введете код.",
  "account.email.submit": "Надіслати код підтвердження",
  "account.email.pending": "Очікує підтвердження: {email}",
  "account.email.sent": "Ми надіслали код підтвердження на адресу {email}. Введіть його нижче.",
  "account.email.codeLabel": "Код підтвердження",
  "account.email.confirm": "Підтвердити",
  "account.email.resend": "Надіслати код ще раз",
  "account.email.changed": "Адресу електронної пошти змінено. Усі інші Ваші сеанси завершено.",
  "account.linked":
    "Обліковий запис пов'язано з VIISP. Тепер Ви можете входити до нього як через " +
    "електронну пошту, так і через VIISP.",
  "account.link.heading": "Підтвердьте свою особу через VIISP",
  "account.link.text":
    "Якщо у Вас є особовий код, наданий в Литві, або засіб електронної ідентифікації іншої держави ЄС (eIDAS), " +
    "пов'яжіть цей обліковий запис із VIISP. Вашу особу буде підтверджено (користувач 3 рівня), а обліковий запис " +
    "залишиться один: Ви зможете входити до нього як через електронну пошту, так і через VIISP.",
  "account.link.names": "Ім'я та прізвище буде замінено даними, отриманими з VIISP.",
  "account.link.sessions": "Після пов'язання на інших Ваших пристроях буде виконано вихід із системи.",
  "account.link.submit": "Пов'язати з VIISP",
  "account.sessions.heading": "Де виконано вхід",
  "account.sessions.intro":
    "Тут показано всі ще активні сеанси входу до цього облікового запису. Якщо Ви не " +
    "впізнаєте якийсь сеанс, завершіть його.",
  "account.sessions.loading": "Завантаження списку сеансів…",
  "account.sessions.failed": "Не вдалося завантажити список сеансів.",
  "account.sessions.retry": "Спробувати ще раз",
  "account.sessions.current": "Цей пристрій",
  "account.sessions.other": "Інший пристрій або браузер",
  "account.sessions.opened": "Вхід виконано",
  "account.sessions.lastSeen": "Остання активність",
  "account.sessions.browser": "Браузер",
  "account.sessions.method": "Спосіб входу",
  "account.sessions.method.email": "Електронна пошта й тимчасовий код",
  "account.sessions.method.viisp": "Через VIISP",
  "account.sessions.method.passkey": "Ключ доступу",
  "account.sessions.method.other": "Інший спосіб",
  "account.sessions.end": "Завершити цей сеанс",
  "account.sessions.signOut": "Вийти на цьому пристрої",
  "account.sessions.signOutForget": "Вийти й забути цей пристрій",
  "account.sessions.ended": "Сеанс завершено. Тому, хто ним користувався, доведеться увійти знову.",
  "account.sessions.gone": "Цей сеанс уже було завершено. Список оновлено.",
  "account.devices.heading": "Пристрої, які ми запам'ятали",
  "account.devices.intro":
    "На пристрої, який ми запам'ятали, Ви зможете отримати код для входу, " +
    "навіть якщо хтось інший запросить багато кодів на Вашу адресу.",
  "account.devices.none": "Ми не запам'ятали жодного Вашого пристрою.",
  "account.devices.unknown": "Невідомий браузер",
  "account.devices.browser": "{browser}, {system}",
  "account.devices.current": "Цей пристрій",
  "account.devices.firstUsed": "Уперше використано",
  "account.devices.lastUsed": "Востаннє використано",
  "account.devices.forget": "Забути",
  "account.devices.forgotten": "Пристрій забуто.",
  "account.devices.gone": "Цей пристрій уже було забуто. Список оновлено.",
  "account.activity.heading": "Дії у Вашому обліковому записі",
  "account.activity.intro": "Входи, зміни та дії працівників міграційної служби з указаними ними причинами; найновіші вгорі. Якщо Ви бачите те, чого не робили, вийдіть на всіх пристроях і зверніться до Департаменту міграції.",
  "account.activity.loading": "Завантаження дій в обліковому записі…",
  "account.activity.failed": "Не вдалося завантажити дії в обліковому записі.",
  "account.activity.retry": "Спробувати ще раз",
  "account.activity.more": "Показати попередні дії",
  "account.activity.none": "У Вашому обліковому записі ще нічого не відбувалося.",
  "account.activity.when": "Коли",
  "account.activity.by": "Хто",
  "account.activity.how": "Як",
  "account.activity.browser": "Браузер",
  "account.activity.network": "Мережа",
  "account.activity.reason": "Причина, вказана працівником",
  "account.activity.reference": "Номер повідомлення",
  "account.activity.change": "з {before} на {after}",
  "account.activity.nothing": "—",
  "account.activity.actor.you": "Ви",
  "account.activity.actor.viisp": "Ви, через VIISP",
  "account.activity.actor.staff": "Працівник міграційної служби",
  "account.activity.actor.system": "Система",
  "account.activity.method.email": "Електронна пошта й тимчасовий код",
  "account.activity.method.viisp": "Через VIISP",
  "account.activity.method.eidas": "Через eIDAS (VIISP)",
  "account.activity.method.passkey": "Ключ доступу",
  "account.activity.field.given_name": "Ім’я",
  "account.activity.field.family_name": "Прізвище",
  "account.activity.field.phone_number": "Номер телефону",
  "account.activity.field.email": "Адреса електронної пошти",
  "account.activity.field.level": "Рівень",
  "account.activity.field.identity": "Підтверджена особа",
  "account.activity.field.sessions": "Сеанси входу",
  "account.activity.field.passkeys": "Ключі доступу",
  "account.activity.level.1": "1 (особу не встановлено)",
  "account.activity.level.2": "2 (особу встановив працівник)",
  "account.activity.level.3": "3 (особу встановлено через VIISP)",
  "account.activity.kind.signed_in": "Вхід",
  "account.activity.kind.profile_completed": "Заповнено контактні дані",
  "account.activity.kind.contact_changed": "Змінено контактні дані",
  "account.activity.kind.email_change_requested": "Запит на зміну адреси електронної пошти (очікується код)",
  "account.activity.kind.passkey_added": "Створено ключ доступу",
  "account.activity.kind.passkey_removed": "Видалено ключ доступу",
  "account.activity.kind.identity_linked": "Пов’язано з VIISP",
  "account.activity.kind.identity_unlinked": "Працівник скасував зв’язок із VIISP",
  "account.activity.kind.session_ended": "Сеанс входу завершено",
  "account.activity.kind.device_forgotten": "Пристрій забуто",
  "account.activity.kind.sessions_ended": "Працівник завершив усі сеанси входу",
  "account.activity.kind.not_me_reported": "Повідомлено, що це були не Ви: усі сеанси завершено",
  "account.activity.kind.staff_changed": "Змінено працівником міграційної служби",
  "account.activity.kind.recovery_started": "Працівник почав переносити обліковий запис на нову адресу електронної пошти",
  "account.activity.kind.recovery_confirmed": "Нову адресу електронної пошти підтверджено",
  "account.activity.kind.recovery_cancelled": "Перенесення на нову адресу електронної пошти скасовано",
  "account.activity.kind.recovery_completed": "Обліковий запис перенесено на нову адресу електронної пошти",
  "account.activity.kind.other": "Інша зміна",
  "account.passkeys.heading": "Ключі доступу",
  "account.passkeys.intro":
    "З ключем доступу Ви входите за допомогою обличчя, відбитка пальця або коду розблокування, не чекаючи " +
    "коду електронною поштою.",
  "account.passkeys.shared":
    "Не створюйте ключ доступу на спільному пристрої. Будь-хто, хто може розблокувати пристрій, зможе " +
    "увійти до Вашого облікового запису.",
  "account.passkeys.create": "Створити ключ доступу",
  "account.passkeys.createdAt": "Створено",
  "account.passkeys.lastUsed": "Востаннє використано",
  "account.passkeys.notUsed": "Ще не використовувався",
  "account.passkeys.rename": "Перейменувати",
  "account.passkeys.remove": "Видалити",
  "account.passkeys.nameLabel": "Назва ключа доступу",
  "account.passkeys.nameHint": "Наприклад, Мій телефон.",
  "account.passkeys.save": "Зберегти",
  "account.passkeys.cancel": "Скасувати",
  "account.passkeys.loadFailed": "Не вдалося завантажити список ключів доступу.",
  "account.passkeys.signInAgain": "Увійти знову",
  "account.passkeys.created":
    "Ключ доступу створено. Наступного разу входьте за допомогою обличчя, відбитка пальця або коду " +
    "розблокування.",
  "account.passkeys.renamed": "Ключ доступу перейменовано.",
  "account.passkeys.removed": "Ключ доступу «{name}» видалено. Ним більше не можна увійти.",
  "account.passkeys.gone": "Цей ключ доступу вже було видалено. Список оновлено.",
  "account.passkeys.fresh":
    "З міркувань безпеки створити або видалити ключ доступу можна лише протягом 10\u00a0хвилин після входу. " +
    "Увійдіть знову, а потім спробуйте ще раз.",
  "account.passkeys.tooMany":
    "У Вас уже стільки ключів доступу, скільки може мати обліковий запис. Спершу видаліть той, яким " +
    "більше не користуєтеся.",
  "account.passkeys.invalid": "Не вдалося створити ключ доступу. Спробуйте ще раз.",
  "account.passkeys.cancelled": "Ключ доступу не створено. Спробуйте ще раз, коли будете готові.",
  "account.passkeys.exists": "На цьому пристрої вже є ключ доступу до Вашого облікового запису. Ним можна входити.",
  "account.passkeys.failed": "Цей браузер не може створити ключ доступу.",
  "account.passkeys.defaultName": "Ключ доступу ({device})",
  "account.passkeys.defaultNameBare": "Ключ доступу",

  "viispError.title": "Не вдалося увійти через VIISP",
  "viispError.invalid_ticket":
    "Не вдалося завершити вхід через VIISP: запит на вхід прострочений, уже використаний або розпочатий в іншому " +
    "браузері. Почніть вхід спочатку.",
  "viispError.invalid_ticket.lithuanian_eid":
    "Цей засіб електронної ідентифікації видано в Литві, тому ним не можна увійти через eIDAS. Увійдіть через " +
    "VIISP за допомогою литовського засобу: інтернет-банкінгу, Smart\u2011ID, мобільного електронного підпису або " +
    "ID-картки. Обліковий запис не створено.",
  "viispError.viisp_unavailable":
    "Платформа взаємодії державних інформаційних ресурсів (VIISP) зараз не відповідає. " +
    "Спробуйте ще раз за кілька хвилин.",
  "viispError.origin_mismatch": "Запит на вхід надійшов не зі сторінки MIGRIS чи VIISP. Почніть вхід спочатку.",
  "viispError.edit_conflict": "Обліковий запис саме в цей момент змінювався, тому нічого не зроблено. Спробуйте ще раз.",
  "viispError.unknown": "Не вдалося завершити вхід через VIISP. Почніть вхід спочатку.",
  "viispError.retry": "Спробувати увійти через VIISP ще раз",
  "viispError.back": "Повернутися на сторінку входу",
  "viispError.linkTitle": "Не вдалося пов'язати з VIISP",
  "viispError.identity_in_use":
    "Особа, підтверджена через VIISP, уже має власний обліковий запис MIGRIS, тому її не пов'язано з цим обліковим " +
    "записом. Нічого не об'єднано: обидва облікові записи залишилися без змін.",
  "viispError.identity_in_use.next":
    "Щоб користуватися тим обліковим записом, увійдіть через VIISP. Якщо обидва облікові записи належать Вам і Ви " +
    "хочете їх об'єднати, зверніться до працівників міграційної служби.",
  "viispError.already_linked":
    "Цей обліковий запис уже має підтверджену особу, тому його не можна ще раз пов'язати з VIISP. Нічого не змінено.",
  "viispError.unauthenticated":
    "Ваш сеанс завершився, тому обліковий запис не пов'язано з VIISP. Увійдіть знову та пов'яжіть його на " +
    "сторінці свого облікового запису.",
  "viispError.profile_incomplete":
    "Спершу вкажіть свої контактні дані. Після цього Ви зможете пов'язати обліковий запис із VIISP на " +
    "сторінці свого облікового запису.",
  "viispError.fresh_sign_in_required":
    "З міркувань безпеки пов'язати обліковий запис із VIISP можна лише протягом 10\u00a0хвилин після входу, " +
    "тому його не пов'язано.",
  "viispError.fresh_sign_in_required.next":
    "Увійдіть знову, а потім пов'яжіть обліковий запис із VIISP на сторінці облікового запису.",
  "viispError.account": "Повернутися до облікового запису",
  "viispError.signInViisp": "Увійти через VIISP",
  "viispError.signInAgain": "Увійти знову",

  "notMe.ready.title": "Захистіть свій обліковий запис",
  "notMe.ready.text":
    "Якщо Ви не робили того, про що йдеться в листі, натисніть кнопку: ми виконаємо вихід на всіх пристроях, видалимо ключі доступу, створені відтоді, та скасуємо зміну Вашої адреси електронної пошти, якщо її розпочато.",
  "notMe.ready.submit": "Це не я — захистити мій обліковий запис",
  "notMe.done.title": "Ваш обліковий запис захищено",
  "notMe.done.text":
    "Ми виконали вихід на всіх пристроях, видалили ключі доступу, створені відтоді, та скасували зміну Вашої адреси електронної пошти, якщо її було розпочато.",
  "notMe.done.reference": "Якщо звертатиметеся до Департаменту міграції, назвіть цей номер звернення: {reference}",
  "notMe.done.signIn": "Увійти знову",
  "notMe.refused.title": "Це посилання не діє",
  "notMe.refused.text": "Посиланням уже скористалися, або йому більше ніж 7 днів.",
  "notMe.refused.signIn": "Увійти",

  "error.network": "Не вдалося з'єднатися із сервером. Перевірте підключення до інтернету та спробуйте ще раз.",
  "error.server": "Сталася помилка. Спробуйте ще раз пізніше.",
  "error.mailUnavailable": "Зараз не вдалося надіслати код. Цю спробу не враховано – спробуйте ще раз за хвилину.",
  "error.check": "Перевірте введені дані.",
  "error.origin": "Запит надійшов не зі сторінки MIGRIS. Оновіть сторінку та спробуйте ще раз.",
  "error.conflict": "Ваш обліковий запис водночас змінено в іншому місці. Спробуйте ще раз.",
  "error.namesLocked": "Ім'я та прізвище можуть змінити лише працівники міграційної служби.",
  "error.emailTaken": "Ця адреса електронної пошти вже використовується в іншому обліковому записі. Зміну скасовано.",
  "error.invalidCode": "Код неправильний або вже не дійсний. Перевірте код або запросіть новий.",
  "error.locked":
    "Забагато разів введено неправильний код. Вхід із цією адресою електронної пошти тимчасово заблоковано. " +
    "Спробуйте ще раз через {time} (приблизно о {clock}).",
  "error.lockedChange": "Забагато разів введено неправильний код. Спробуйте ще раз через {time} (приблизно о {clock}).",
  "error.cooldown": "Код на цю адресу щойно надіслано. Новий код можна буде отримати через {time}.",
  "error.edge": "Забагато входів із вашої мережі. Спробуйте ще раз через {time}.",
  "error.tooMany":
    "На цю адресу електронної пошти надіслано забагато кодів. Новий код можна буде отримати через {time} " +
    "(приблизно о {clock}).",

  "field.required.email": "Введіть адресу електронної пошти.",
  "field.invalid.email": "Введіть правильну адресу електронної пошти, наприклад name@example.com.",
  "field.notAscii.email":
    "Перед знаком @ використовуйте лише латинські літери без діакритичних знаків (a–z), цифри та символи . _ - +. На адресу з іншими символами ми не можемо надіслати лист.",
  "field.noMail.email":
    "Цей домен (частина адреси після знака @) не може отримувати електронні листи. Перевірте, чи правильно його написано.",
  "field.same.email": "Це Ваша поточна адреса електронної пошти. Введіть нову адресу.",
  "field.tooLong": "Занадто довгий текст: щонайбільше {max} симв.",
  "field.required.given_name": "Введіть ім'я (імена).",
  "field.required.family_name": "Введіть прізвище (прізвища).",
  "field.invalid.name": "Використовуйте лише літери, пробіли, дефіси та апострофи; ім'я та прізвище мають починатися з літери.",
  "field.invisible.name": "Вилучіть невидимі символи: ім'я та прізвище мають складатися з видимих літер.",
  "field.styled.name": "Використовуйте звичайні літери, а не стилізовані літери, лігатури чи символи.",
  "field.marks.name": "Одна літера може мати не більше {max} діакритичних знаків.",
  "field.required.phone_number": "Введіть номер телефону.",
  "field.invalid.phone_number": "Введіть правильний номер телефону з кодом країни, наприклад +380 67 123 4567.",
  "field.required.code": "Введіть код із листа.",
  "field.invalid.code": "Код складається лише з цифр.",
  "field.invalid.other": "Перевірте це поле.",
  "field.required.passkeyName": "Введіть назву ключа доступу.",
  "field.invalid.passkeyName": "Назва може мати щонайбільше 64 символи, і всі вони мають бути видимі.",
};
