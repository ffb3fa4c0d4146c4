"""The mails: code messages and account notices in Lithuanian, English, Ukrainian or Russian. Composition
only; the rules send through a MailSender (migris.dal.mailer.Mailer, over SES)."""

# The Ukrainian and Russian texts are Cyrillic on purpose (beside the Latin "MIGRIS"): no confusable here.
# ruff: noqa: RUF001

from __future__ import annotations

import html
import time
from dataclasses import dataclass
from typing import Literal, Protocol

from migris.domain.validation import Language


@dataclass(frozen=True)
class MailMessage:
    subject: str
    text: str
    html: str


# Two lanes to SES (DESIGN.md, Mail): codes asked from a known device and every notice go first; other codes
# wait behind them, so a wave of strangers' sign-ins never holds up an owner's code or a security notice.
Lane = Literal["priority", "bulk"]
MailKind = Literal["code", "notice"]


@dataclass(frozen=True)
class CodeMailRef:
    """What the mail function checks before it sends a code, and what it burns when the mail finally fails: the
    code's box, its login id, the source (network address ref) it was asked from, and when it expires."""

    box: str
    login_id: str
    source: str
    expires_at: int


class MailSender(Protocol):
    def deliver(
        self,
        address: str,
        message: MailMessage,
        *,
        email_ref: str,
        kind: MailKind = "code",
        code: CodeMailRef | None = None,
        lane: Lane | None = None,
    ) -> bool:
        """Hand the mail on its way (the queue, in AWS); whether it was taken. Never raises for a refusal: the
        answer must not depend on the address. A code mail carries its `code`; the lane is the priority one for
        notices and the bulk one for codes unless told."""
        ...


def _east_slavic_plural(n: int, one: str, few: str, many: str) -> str:
    """Ukrainian and Russian: 1, 21, 101 take `one`; 2-4, 22-24 take `few`; the rest (11-14 too) `many`."""
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def _lt_plural(n: int, one: str, few: str, many: str) -> str:
    """Lithuanian: 1, 21 take `one`; 2-9, 22-29 take `few`; 10-20, 30 ... (every -teen) take `many`."""
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 9 and not 12 <= n % 100 <= 19:
        return few
    return many


def minutes_phrase(language: Language, n: int) -> str:
    """`n` minutes as the mail's sentence needs it: Lithuanian in the accusative ("galioja 21 minutę"),
    Ukrainian and Russian in the nominative ("Термін дії коду — 21 хвилина")."""
    if language == "lt":
        return f"{n} {_lt_plural(n, 'minutę', 'minutes', 'minučių')}"
    if language == "uk":
        return f"{n} {_east_slavic_plural(n, 'хвилина', 'хвилини', 'хвилин')}"
    if language == "ru":
        return f"{n} {_east_slavic_plural(n, 'минута', 'минуты', 'минут')}"
    return "1 minute" if n == 1 else f"{n} minutes"


def _validity_minutes(ttl_seconds: int) -> int:
    return max(1, ttl_seconds // 60)


_TEXTS: dict[Language, dict[str, str]] = {
    "lt": {
        "sign_in_subject": "MIGRIS: prisijungta iš naujo įrenginio",
        "sign_in_text": "{when} prie jūsų MIGRIS paskyros prisijungta {way} iš įrenginio, kurio iki šiol "
        "nematėme: {browser}.",
        "sign_in_not_me": "Jei tai buvote jūs, nieko daryti nereikia. Jei ne, atidarykite šią nuorodą ir paspauskite "
        "mygtuką: visi prisijungimai prie paskyros bus baigti.",
        "way_email": "el. pašto kodu",
        "way_viisp": "per VIISP",
        "way_eidas": "per eIDAS (VIISP)",
        "way_passkey": "prieigos raktu",
        "another_browser": "kita naršyklė",
        "recovery_confirm_subject": "MIGRIS: patvirtinkite naują el. pašto adresą",
        "recovery_confirm_text": "Migracijos departamento darbuotojas, patikrinęs jūsų asmens dokumentą, pradėjo jūsų "
        "MIGRIS paskyros el. pašto adreso keitimą į šį adresą. Atidarykite nuorodą ir paspauskite mygtuką: nuo tada "
        "prasidės laukimo laikas, o jam pasibaigus šiuo adresu galėsite prisijungti.",
        "recovery_confirm_link": "Jei adreso keisti neprašėte, nieko nedarykite: be patvirtinimo adresas "
        "nebus pakeistas.",
        "recovery_started_subject": "MIGRIS: pradėtas jūsų el. pašto adreso keitimas",
        "recovery_started_text": "Migracijos departamento darbuotojas pradėjo jūsų MIGRIS paskyros el. pašto "
        "adreso keitimą, nes paskyros savininkas nebegali naudotis šia pašto dėžute. Kai naujas adresas bus "
        "patvirtintas ir baigsis laukimo laikas, šiuo adresu prisijungti nebegalėsite.",
        "recovery_cancel_link": "Jei to neprašėte, atidarykite šią nuorodą ir paspauskite mygtuką: keitimas bus "
        "atšauktas.",
        "recovery_done_subject": "MIGRIS: el. pašto adresas pakeistas",
        "recovery_done_text": "Jūsų MIGRIS paskyros el. pašto adresas dabar yra šis. Prisijunkite juo; ankstesni "
        "prisijungimai ir prieigos raktai baigti.",
        "erased_subject": "MIGRIS: paskyra ištrinta",
        "erased_text": "Jūsų prašymu MIGRIS prisijungimo paskyra ištrinta: jos duomenys, prisijungimai, įrenginiai "
        "ir prieigos raktai pašalinti. Šiuo adresu galite vėl prisijungti, tada bus sukurta nauja paskyra.",
        "linked_subject": "MIGRIS: paskyra susieta su VIISP",
        "linked_text": "Jūsų MIGRIS paskyra susieta su tapatybe, patvirtinta per VIISP. Nuo šiol prie jos galite "
        "prisijungti el. paštu arba per VIISP, o vardas ir pavardė paskyroje yra tokie, kokius pateikė VIISP. Kiti "
        "prisijungimai prie paskyros baigti.",
        "subject": "MIGRIS prisijungimo kodas",
        "intro": "Jūsų MIGRIS prisijungimo kodas:",
        "valid": "Kodas galioja {duration}. Kiekvieną kartą jungiantis siunčiamas naujas kodas, "
        "o ankstesnis nebegalioja.",
        "ignore": "Jei prisijungti neprašėte, nieko nedarykite: be šio kodo niekas negali prisijungti. "
        "Kodo niekam nesakykite; MIGRIS darbuotojai jo niekada neklaus.",
        "signature": "Migracijos departamentas",
        "change_subject": "MIGRIS el. pašto adreso patvirtinimo kodas",
        "change_intro": "Šį adresą nurodėte savo MIGRIS paskyroje. Patvirtinimo kodas:",
        "change_valid": "Kodas galioja {duration}. Paprašius naujo kodo, šis nebegalios.",
        "change_ignore": "Jei adreso nekeitėte, nieko nedarykite: be šio kodo adresas nebus pakeistas.",
        "notice_subject": "MIGRIS: prašoma pakeisti el. pašto adresą",
        "notice_text": "Jūsų MIGRIS paskyroje paprašyta el. pašto adresą pakeisti į {address}. Adresas bus "
        "pakeistas tik tada, kai bus įvestas į naują adresą išsiųstas kodas.",
        "changed_subject": "MIGRIS: el. pašto adresas pakeistas",
        "changed_text": "Jūsų MIGRIS paskyros el. pašto adresas pakeistas į {address}. Šiuo adresu "
        "nebegalėsite prisijungti.",
        "not_you": "Jei to nedarėte jūs, kreipkitės į Migracijos departamentą:",
        "in_use_subject": "MIGRIS: bandyta naudoti jūsų el. pašto adresą",
        "in_use_text": "Kažkas bandė šį el. pašto adresą nurodyti kitoje MIGRIS paskyroje. Jūsų paskyra "
        "nepakeista, ir šiuo adresu toliau jungiatės prie savo paskyros.",
        "not_me_link": "Jei to nedarėte jūs, atidarykite šią nuorodą ir paspauskite mygtuką: visi prisijungimai "
        "bus baigti, o naujas raktas pašalintas.",
        "passkey_added_subject": "MIGRIS: sukurtas naujas prieigos raktas",
        "passkey_added_text": "Jūsų MIGRIS paskyrai sukurtas naujas prieigos raktas. Juo galima "
        "prisijungti be el. pašto kodo.",
        "passkey_removed_subject": "MIGRIS: prieigos raktas pašalintas",
        "passkey_removed_text": "Iš jūsų MIGRIS paskyros pašalintas prieigos raktas. Juo prisijungti nebegalima.",
        "passkey_clone_subject": "MIGRIS: įtartinas prisijungimas prieigos raktu",
        "passkey_clone_text": "Kažkas bandė prisijungti prie jūsų MIGRIS paskyros prieigos raktu, "
        "kuris gali būti nukopijuotas. Prisijungti neleista.",
    },
    "en": {
        "sign_in_subject": "MIGRIS: a sign-in from a new device",
        "sign_in_text": "On {when}, someone signed in to your MIGRIS account {way} from a device we had not seen "
        "before: {browser}.",
        "sign_in_not_me": "If this was you, you need not do anything. If it was not, open this link and press the "
        "button: you will be signed out of your account everywhere.",
        "way_email": "with an e-mail code",
        "way_viisp": "through VIISP",
        "way_eidas": "through eIDAS (VIISP)",
        "way_passkey": "with a passkey",
        "another_browser": "another browser",
        "recovery_confirm_subject": "MIGRIS: confirm your new e-mail address",
        "recovery_confirm_text": "Migration Department staff have checked your identity document and started "
        "changing the e-mail address of your MIGRIS account to this one. Open the link and press the button: a "
        "waiting period then starts, and once it is over you can sign in with this address.",
        "recovery_confirm_link": "If you did not ask for this, do nothing: without your confirmation nothing changes.",
        "recovery_started_subject": "MIGRIS: your e-mail address is being changed",
        "recovery_started_text": "Migration Department staff have started changing the e-mail address of your MIGRIS "
        "account, because its owner can no longer use this mailbox. Once the new address is confirmed and a waiting "
        "period is over, you will no longer be able to sign in with this address.",
        "recovery_cancel_link": "If you did not ask for this, open this link and press the button to cancel the "
        "change.",
        "recovery_done_subject": "MIGRIS: your e-mail address has been changed",
        "recovery_done_text": "This is now the e-mail address of your MIGRIS account. Sign in with it; your earlier "
        "sessions have ended and your passkeys no longer work.",
        "erased_subject": "MIGRIS: your account has been deleted",
        "erased_text": "As you asked, your MIGRIS sign-in account has been deleted together with its data, sessions, "
        "devices and passkeys. You can sign in with this address again; that will create a new account.",
        "linked_subject": "MIGRIS: your account has been linked to VIISP",
        "linked_text": "Your MIGRIS account has been linked to an identity confirmed through VIISP. You can now sign "
        "in by e-mail or through VIISP, and the names on the account are the ones VIISP gave. Your other sessions on "
        "the account have ended.",
        "subject": "Your MIGRIS sign-in code",
        "intro": "Your MIGRIS sign-in code:",
        "valid": "The code is valid for {duration}. Each time you sign in, a new code is sent and the previous one "
        "stops working.",
        "ignore": "If you did not try to sign in, do nothing: no one can sign in without this code. Do not share "
        "the code with anyone; MIGRIS staff will never ask for it.",
        "signature": "Migration Department",
        "change_subject": "Your MIGRIS e-mail confirmation code",
        "change_intro": "You entered this address in your MIGRIS account. Your confirmation code:",
        "change_valid": "The code is valid for {duration}. If you ask for another code, this one stops working.",
        "change_ignore": "If you did not ask to change your address, do nothing: without this code it will not be "
        "changed.",
        "notice_subject": "MIGRIS: a request to change your e-mail address",
        "notice_text": "Someone signed in to your MIGRIS account has asked to change its e-mail address to "
        "{address}. The address will change only once the code sent to the new address is entered.",
        "changed_subject": "MIGRIS: your e-mail address has been changed",
        "changed_text": "The e-mail address of your MIGRIS account has been changed to {address}. You can no longer "
        "sign in with this address.",
        "not_you": "If this was not you, contact the Migration Department:",
        "in_use_subject": "MIGRIS: someone tried to use your e-mail address",
        "in_use_text": "Someone tried to use this e-mail address for another MIGRIS account. Your account has not "
        "changed, and you still sign in to it with this address.",
        "not_me_link": "If this was not you, open this link and press the button: you will be signed out "
        "everywhere and the new passkey will be removed.",
        "passkey_added_subject": "MIGRIS: a new passkey has been created",
        "passkey_added_text": "A new passkey has been created for your MIGRIS account. It lets you sign in without "
        "an e-mail code.",
        "passkey_removed_subject": "MIGRIS: a passkey has been removed",
        "passkey_removed_text": "A passkey has been removed from your MIGRIS account. It can no longer be used to "
        "sign in.",
        "passkey_clone_subject": "MIGRIS: a suspicious sign-in with a passkey",
        "passkey_clone_text": "Someone tried to sign in to your MIGRIS account with one of its passkeys, which "
        "may have been copied. The sign-in was refused.",
    },
    "uk": {
        "sign_in_subject": "MIGRIS: вхід з нового пристрою",
        "sign_in_text": "{when} до Вашого облікового запису MIGRIS увійшли {way} з пристрою, якого ми раніше не "
        "бачили: {browser}.",
        "sign_in_not_me": "Якщо це були Ви, нічого робити не потрібно. Якщо ні, відкрийте це посилання й "
        "натисніть кнопку: усі сеанси входу до облікового запису буде завершено.",
        "way_email": "за кодом з електронної пошти",
        "way_viisp": "за допомогою VIISP",
        "way_eidas": "за допомогою eIDAS (VIISP)",
        "way_passkey": "за допомогою ключа доступу",
        "another_browser": "інший браузер",
        "recovery_confirm_subject": "MIGRIS: підтвердьте нову адресу електронної пошти",
        "recovery_confirm_text": "Працівник Департаменту міграції перевірив Ваш документ, що посвідчує особу, і "
        "почав перенесення Вашого облікового запису MIGRIS на цю адресу електронної пошти. Відкрийте посилання й "
        "натисніть кнопку: тоді почнеться період очікування, а після нього Ви зможете входити з цією адресою.",
        "recovery_confirm_link": "Якщо Ви цього не просили, нічого не робіть: без підтвердження нічого не зміниться.",
        "recovery_started_subject": "MIGRIS: адреса електронної пошти змінюється",
        "recovery_started_text": "Працівник Департаменту міграції почав перенесення Вашого облікового запису MIGRIS "
        "на іншу адресу електронної пошти, оскільки власник облікового запису більше не має доступу до цієї "
        "поштової скриньки. Коли нову адресу буде підтверджено і мине період очікування, з цією адресою більше не "
        "можна буде увійти.",
        "recovery_cancel_link": "Якщо Ви цього не просили, відкрийте це посилання й натисніть кнопку: зміну буде "
        "скасовано.",
        "recovery_done_subject": "MIGRIS: адресу електронної пошти змінено",
        "recovery_done_text": "Тепер це адреса електронної пошти Вашого облікового запису MIGRIS. Входьте з нею; "
        "попередні сеанси входу завершено, а ключі доступу більше не діють.",
        "erased_subject": "MIGRIS: обліковий запис видалено",
        "erased_text": "На Ваш запит обліковий запис MIGRIS для входу видалено: його дані, сеанси, пристрої та "
        "ключі доступу стерто. Ви можете знову увійти з цією адресою — тоді буде створено новий обліковий запис.",
        "linked_subject": "MIGRIS: обліковий запис пов’язано з VIISP",
        "linked_text": "Ваш обліковий запис MIGRIS пов’язано з особою, підтвердженою через VIISP. Відтепер Ви "
        "можете входити до нього через електронну пошту або через VIISP, а ім’я та прізвище в обліковому записі — ті, "
        "що надав VIISP. Інші сеанси входу до облікового запису завершено.",
        "subject": "Код для входу в MIGRIS",
        "intro": "Ваш код для входу в MIGRIS:",
        "valid": "Термін дії коду — {duration}. Щоразу під час входу надсилається новий код, "
        "а попередній стає недійсним.",
        "ignore": "Якщо Ви не намагалися увійти, нічого не робіть: без цього коду ніхто не зможе увійти. "
        "Нікому не повідомляйте код; працівники MIGRIS ніколи не попросять його назвати.",
        "signature": "Департамент міграції",
        "change_subject": "MIGRIS: код підтвердження адреси електронної пошти",
        "change_intro": "Ви вказали цю адресу у своєму обліковому записі MIGRIS. Код підтвердження:",
        "change_valid": "Термін дії коду — {duration}. Якщо Ви запросите новий код, цей стане недійсним.",
        "change_ignore": "Якщо Ви не змінювали адресу, нічого не робіть: без цього коду її не буде змінено.",
        "notice_subject": "MIGRIS: запит на зміну адреси електронної пошти",
        "notice_text": "Надійшов запит змінити адресу електронної пошти Вашого облікового запису MIGRIS на "
        "{address}. Адресу буде змінено лише після того, як буде введено код, надісланий на нову адресу.",
        "changed_subject": "MIGRIS: адресу електронної пошти змінено",
        "changed_text": "Адресу електронної пошти Вашого облікового запису MIGRIS змінено на {address}. "
        "Цю адресу більше не можна використовувати для входу.",
        "not_you": "Якщо це були не Ви, зверніться до Департаменту міграції:",
        "in_use_subject": "MIGRIS: хтось намагався використати Вашу адресу електронної пошти",
        "in_use_text": "Хтось намагався вказати цю адресу електронної пошти в іншому обліковому записі MIGRIS. "
        "Ваш обліковий запис не змінено, і Ви, як і раніше, входите до нього, використовуючи цю адресу.",
        "not_me_link": "Якщо це були не Ви, відкрийте це посилання й натисніть кнопку: усі сеанси входу буде "
        "завершено, а новий ключ доступу видалено.",
        "passkey_added_subject": "MIGRIS: створено новий ключ доступу",
        "passkey_added_text": "Для Вашого облікового запису MIGRIS створено новий ключ доступу. Ним "
        "можна входити без коду з електронної пошти.",
        "passkey_removed_subject": "MIGRIS: ключ доступу видалено",
        "passkey_removed_text": "З Вашого облікового запису MIGRIS видалено ключ доступу. Ним більше не можна увійти.",
        "passkey_clone_subject": "MIGRIS: підозрілий вхід за допомогою ключа доступу",
        "passkey_clone_text": "Хтось намагався увійти до Вашого облікового запису MIGRIS за допомогою ключа "
        "доступу, який, можливо, скопійовано. Вхід не дозволено.",
    },
    "ru": {
        "sign_in_subject": "MIGRIS: вход с нового устройства",
        "sign_in_text": "{when} в Вашу учётную запись MIGRIS вошли {way} с устройства, которого мы раньше не "
        "видели: {browser}.",
        "sign_in_not_me": "Если это были Вы, ничего делать не нужно. Если нет, откройте эту ссылку и нажмите "
        "кнопку: все сеансы входа в учётную запись будут завершены.",
        "way_email": "по коду из электронной почты",
        "way_viisp": "через VIISP",
        "way_eidas": "через eIDAS (VIISP)",
        "way_passkey": "с ключом доступа",
        "another_browser": "другой браузер",
        "recovery_confirm_subject": "MIGRIS: подтвердите новый адрес электронной почты",
        "recovery_confirm_text": "Сотрудник Департамента миграции проверил Ваш документ, удостоверяющий личность, и "
        "начал перенос Вашей учётной записи MIGRIS на этот адрес электронной почты. Откройте ссылку и нажмите "
        "кнопку: тогда начнётся период ожидания, а после него Вы сможете входить с этим адресом.",
        "recovery_confirm_link": "Если Вы об этом не просили, ничего не делайте: без подтверждения ничего не "
        "изменится.",
        "recovery_started_subject": "MIGRIS: адрес электронной почты меняется",
        "recovery_started_text": "Сотрудник Департамента миграции начал перенос Вашей учётной записи MIGRIS на "
        "другой адрес электронной почты, так как владелец учётной записи больше не имеет доступа к этому почтовому "
        "ящику. Когда новый адрес будет подтверждён и пройдёт период ожидания, с этим адресом больше нельзя будет "
        "войти.",
        "recovery_cancel_link": "Если Вы об этом не просили, откройте эту ссылку и нажмите кнопку: изменение будет "
        "отменено.",
        "recovery_done_subject": "MIGRIS: адрес электронной почты изменён",
        "recovery_done_text": "Теперь это адрес электронной почты Вашей учётной записи MIGRIS. Входите с ним; "
        "прежние сеансы входа завершены, а ключи доступа больше не действуют.",
        "erased_subject": "MIGRIS: учётная запись удалена",
        "erased_text": "По Вашему запросу учётная запись MIGRIS для входа удалена: её данные, сеансы, устройства и "
        "ключи доступа стёрты. Вы можете снова войти с этим адресом — тогда будет создана новая учётная запись.",
        "linked_subject": "MIGRIS: учётная запись связана с VIISP",
        "linked_text": "Ваша учётная запись MIGRIS связана с личностью, подтверждённой через VIISP. Теперь Вы "
        "можете входить в неё по электронной почте или через VIISP, а имя и фамилия в учётной записи — те, что "
        "предоставил VIISP. Другие сеансы входа в учётную запись завершены.",
        "subject": "Код для входа в MIGRIS",
        "intro": "Ваш код для входа в MIGRIS:",
        "valid": "Срок действия кода — {duration}. При каждом входе отправляется новый код, "
        "а предыдущий становится недействительным.",
        "ignore": "Если Вы не пытались войти, ничего не делайте: без этого кода никто не сможет войти. "
        "Никому не сообщайте код; сотрудники MIGRIS никогда не попросят его назвать.",
        "signature": "Департамент миграции",
        "change_subject": "MIGRIS: код подтверждения адреса электронной почты",
        "change_intro": "Вы указали этот адрес в своей учётной записи MIGRIS. Код подтверждения:",
        "change_valid": "Срок действия кода — {duration}. Если Вы запросите новый код, этот станет недействительным.",
        "change_ignore": "Если Вы не меняли адрес, ничего не делайте: без этого кода он не будет изменён.",
        "notice_subject": "MIGRIS: запрос на изменение адреса электронной почты",
        "notice_text": "Поступил запрос на изменение адреса электронной почты Вашей учётной записи MIGRIS на "
        "{address}. Адрес будет изменён только после ввода кода, отправленного на новый адрес.",
        "changed_subject": "MIGRIS: адрес электронной почты изменён",
        "changed_text": "Адрес электронной почты Вашей учётной записи MIGRIS изменён на {address}. "
        "Этот адрес больше нельзя использовать для входа.",
        "not_you": "Если это были не Вы, обратитесь в Департамент миграции:",
        "in_use_subject": "MIGRIS: кто-то пытался использовать Ваш адрес электронной почты",
        "in_use_text": "Кто-то пытался указать этот адрес электронной почты в другой учётной записи MIGRIS. "
        "Ваша учётная запись не изменена, и Вы по-прежнему входите в неё, используя этот адрес.",
        "not_me_link": "Если это были не Вы, откройте эту ссылку и нажмите кнопку: все сеансы входа будут "
        "завершены, а новый ключ доступа удалён.",
        "passkey_added_subject": "MIGRIS: создан новый ключ доступа",
        "passkey_added_text": "Для Вашей учётной записи MIGRIS создан новый ключ доступа. С его помощью можно "
        "входить без кода из электронной почты.",
        "passkey_removed_subject": "MIGRIS: ключ доступа удалён",
        "passkey_removed_text": "Из Вашей учётной записи MIGRIS удалён ключ доступа. С его помощью больше нельзя "
        "войти.",
        "passkey_clone_subject": "MIGRIS: подозрительный вход с ключом доступа",
        "passkey_clone_text": "Кто-то пытался войти в Вашу учётную запись MIGRIS с ключом доступа, "
        "который мог быть скопирован. Вход не разрешён.",
    },
}


def _code_message(
    language: Language, code: str, ttl_seconds: int, *, subject: str, intro: str, valid: str, ignore: str
) -> MailMessage:
    """A code mail: its intro, the code, how long it is valid (and, for a sign-in code, that each sign-in sends a
    new one: the e-mail change's code says only what fits it), what to do if it was not asked, the signature."""
    texts = _TEXTS[language]
    minutes = _validity_minutes(ttl_seconds)
    valid = texts[valid].format(duration=minutes_phrase(language, minutes))
    text = f"{texts[intro]}\n\n    {code}\n\n{valid}\n\n{texts[ignore]}\n\n{texts['signature']}\n"
    body = (
        f'<!doctype html><html lang="{language}"><body>'
        f"<p>{html.escape(texts[intro])}</p>"
        f'<p style="font-size:28px;font-weight:bold;letter-spacing:4px">{html.escape(code)}</p>'
        f"<p>{html.escape(valid)}</p><p>{html.escape(texts[ignore])}</p>"
        f"<p>{html.escape(texts['signature'])}</p></body></html>"
    )
    return MailMessage(subject=texts[subject], text=text, html=body)


def login_code_message(language: Language, code: str, ttl_seconds: int) -> MailMessage:
    return _code_message(language, code, ttl_seconds, subject="subject", intro="intro", valid="valid", ignore="ignore")


def email_change_code_message(language: Language, code: str, ttl_seconds: int) -> MailMessage:
    return _code_message(
        language,
        code,
        ttl_seconds,
        subject="change_subject",
        intro="change_intro",
        valid="change_valid",
        ignore="change_ignore",
    )


def masked_address(address: str) -> str:
    """o***@example.lt: enough for the owner of the old address to recognise a change, not to harvest one. The
    domain as people write it (an address is kept with its domain in ASCII: xn--bcher-kva.example reads
    bücher.example)."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{readable_domain(domain)}"


def readable_domain(domain: str) -> str:
    """A domain kept in ASCII, in the Unicode people know it by (IDNA 2008); as kept if it does not decode."""
    import idna  # only for a mail that shows an address

    try:
        return str(idna.decode(domain))
    except (idna.IDNAError, UnicodeError):
        return domain


# Where a notice without a "not me" link sends a person it was not about: the Migration Department's contacts
# (ContactUrl; this is its default, the department's contact page).
DEFAULT_CONTACT_URL = "https://migracija.lrv.lt/lt/kontaktai"


def _notice(
    language: Language,
    subject: str,
    text_key: str,
    new_address: str = "",
    *,
    contact_url: str = "",
    not_me: str = "",
    line: str = "",
    advice_key: str = "not_me_link",
) -> MailMessage:
    """A notice: its line (`line`, or the text `text_key` names), what to do if it was not the person (with
    `not_me`, the link that secures the account; else "contact the Migration Department" with `contact_url`, its
    contact page: both URLs the service made from its configuration, never from a request), the signature."""
    texts = _TEXTS[language]
    line = line or texts[text_key].format(address=masked_address(new_address))
    if not_me:
        advice, link = texts[advice_key], not_me
    else:
        advice, link = texts["not_you"], contact_url or DEFAULT_CONTACT_URL
    text = f"{line}\n\n{advice}\n{link}\n\n{texts['signature']}\n"
    advice_html = f'{html.escape(advice)}<br><a href="{html.escape(link)}">{html.escape(link)}</a>'
    body = (
        f'<!doctype html><html lang="{language}"><body><p>{html.escape(line)}</p>'
        f"<p>{advice_html}</p><p>{html.escape(texts['signature'])}</p></body></html>"
    )
    return MailMessage(subject=texts[subject], text=text, html=body)


def address_in_use_notice(language: Language, *, contact_url: str) -> MailMessage:
    """To an address that signs in to an account already, when another account asks to take it: the same
    answer goes to the asker as for a free address, so only the owner learns of it, and gets no code."""
    return _notice(language, "in_use_subject", "in_use_text", contact_url=contact_url)


def email_change_notice(language: Language, new_address: str, *, contact_url: str) -> MailMessage:
    """To the old address when a change is asked."""
    return _notice(language, "notice_subject", "notice_text", new_address, contact_url=contact_url)


def email_changed_notice(language: Language, new_address: str, *, contact_url: str) -> MailMessage:
    """To the old address when the change has landed."""
    return _notice(language, "changed_subject", "changed_text", new_address, contact_url=contact_url)


def identity_linked_notice(language: Language, *, contact_url: str) -> MailMessage:
    """To the account's address when an identity confirmed through VIISP has been linked to it: the owner
    learns of a link they did not make (one made from a stolen session, say) and whom to tell."""
    return _notice(language, "linked_subject", "linked_text", contact_url=contact_url)


# The passkey mails name no passkey: its name is text a person typed (an intruder with a session could write
# "call this number" there), and no text from a request enters a mail.


def passkey_added_notice(language: Language, not_me: str = "") -> MailMessage:
    """To the account's address when a passkey was created: the owner learns of one they did not make, and its
    "not me" link removes it and ends every session and device."""
    return _notice(language, "passkey_added_subject", "passkey_added_text", not_me=not_me)


def passkey_removed_notice(language: Language, *, contact_url: str) -> MailMessage:
    """To the account's address when a passkey was removed."""
    return _notice(language, "passkey_removed_subject", "passkey_removed_text", contact_url=contact_url)


def passkey_clone_notice(language: Language, *, contact_url: str) -> MailMessage:
    """To the account's address when a passkey's counter did not rise: it may have been copied."""
    return _notice(language, "passkey_clone_subject", "passkey_clone_text", contact_url=contact_url)


def _browser_words(language: Language, browser: str) -> str:
    """The browser and system as a parser named them ("Chrome Mobile on Android": a fixed list of names, never the
    request's header), joined for any language; another browser in the language's words."""
    browser_name, _, system = browser.partition(" on ")
    if not browser_name:
        return _TEXTS[language]["another_browser"]
    return f"{browser_name}, {system}" if system else browser_name


def new_sign_in_notice(language: Language, at: int, way: str, browser: str, not_me: str) -> MailMessage:
    """To the account's address when it was signed in to from a device that is not one of its known devices: when
    (UTC, 24-hour), how, and the browser and system in a parser's words; its "not me" link ends every session and
    device and removes every passkey added since."""
    texts = _TEXTS[language]
    line = texts["sign_in_text"].format(
        when=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(at)),
        way=texts[f"way_{way}"],
        browser=_browser_words(language, browser),
    )
    return _notice(language, "sign_in_subject", "", line=line, not_me=not_me, advice_key="sign_in_not_me")


# The recovery mails (migris.domain.recovery) carry no text from the request: not the new address (staff typed
# it), not the reason; only the links the service made from its configuration.


def _link_mail(language: Language, subject: str, text_key: str, advice_key: str, link: str) -> MailMessage:
    texts = _TEXTS[language]
    line, advice = texts[text_key], texts[advice_key]
    text = f"{line}\n\n{link}\n\n{advice}\n\n{texts['signature']}\n"
    body = (
        f'<!doctype html><html lang="{language}"><body><p>{html.escape(line)}</p>'
        f'<p><a href="{html.escape(link)}">{html.escape(link)}</a></p><p>{html.escape(advice)}</p>'
        f"<p>{html.escape(texts['signature'])}</p></body></html>"
    )
    return MailMessage(subject=texts[subject], text=text, html=body)


def recovery_confirm_message(language: Language, link: str) -> MailMessage:
    """To the new address of a recovery: its confirmation link (/#/confirm-recovery?t=)."""
    return _link_mail(language, "recovery_confirm_subject", "recovery_confirm_text", "recovery_confirm_link", link)


def recovery_started_notice(language: Language, link: str) -> MailMessage:
    """To the old address when a recovery starts: its cancel link (/#/cancel-recovery?t=)."""
    return _link_mail(language, "recovery_started_subject", "recovery_started_text", "recovery_cancel_link", link)


def recovery_completed_notice(language: Language, *, contact_url: str) -> MailMessage:
    """To the new address once the recovery has moved the account to it."""
    return _notice(language, "recovery_done_subject", "recovery_done_text", contact_url=contact_url)


def account_erased_notice(language: Language, *, contact_url: str) -> MailMessage:
    """To the erased account's address: the erasure it asked for is done, and the address may start anew."""
    return _notice(language, "erased_subject", "erased_text", contact_url=contact_url)
