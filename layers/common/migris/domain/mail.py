"""The mails: code messages and account notices in Lithuanian, English, Ukrainian or Russian. Composition
only; the rules send through a MailSender (migris.dal.mailer.Mailer, over SES)."""

# The Ukrainian and Russian texts are Cyrillic on purpose (beside the Latin "MIGRIS"): no confusable here.
# ruff: noqa: RUF001

from __future__ import annotations

import html
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
        "change_ignore": "Jei adreso nekeitėte, nieko nedarykite: be šio kodo adresas nebus pakeistas.",
        "notice_subject": "MIGRIS: prašoma pakeisti el. pašto adresą",
        "notice_text": "Jūsų MIGRIS paskyroje paprašyta el. pašto adresą pakeisti į {address}. Adresas bus "
        "pakeistas tik tada, kai bus įvestas į naują adresą išsiųstas kodas.",
        "changed_subject": "MIGRIS: el. pašto adresas pakeistas",
        "changed_text": "Jūsų MIGRIS paskyros el. pašto adresas pakeistas į {address}. Šiuo adresu "
        "nebegalėsite prisijungti.",
        "not_you": "Jei to nedarėte jūs, kreipkitės į Migracijos departamentą.",
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
        "erased_subject": "MIGRIS: your account was deleted",
        "erased_text": "At your request your MIGRIS sign-in account was deleted: its data, sessions, devices and "
        "passkeys are gone. You may sign in with this address again; that creates a new account.",
        "linked_subject": "MIGRIS: your account was linked to VIISP",
        "linked_text": "Your MIGRIS account was linked to an identity confirmed through VIISP. From now on you can "
        "sign in to it by e-mail or through VIISP, and its names are those VIISP gave. Your other sessions on the "
        "account were ended.",
        "subject": "Your MIGRIS sign-in code",
        "intro": "Your MIGRIS sign-in code:",
        "valid": "The code is valid for {duration}. Every new sign-in sends a new code, "
        "and the previous one stops working.",
        "ignore": "If you did not ask to sign in, do nothing: nobody can sign in without this code. "
        "Do not share the code; MIGRIS staff will never ask for it.",
        "signature": "Migration Department",
        "change_subject": "Your MIGRIS e-mail confirmation code",
        "change_intro": "You entered this address in your MIGRIS account. The confirmation code:",
        "change_ignore": "If you did not change your address, do nothing: without this code it is not changed.",
        "notice_subject": "MIGRIS: a change of your e-mail address was asked",
        "notice_text": "Someone signed in to your MIGRIS account asked to change its e-mail address to {address}. "
        "The address changes only when the code sent to the new address is entered.",
        "changed_subject": "MIGRIS: your e-mail address was changed",
        "changed_text": "The e-mail address of your MIGRIS account is now {address}. This address no longer signs in.",
        "not_you": "If this was not you, contact the Migration Department.",
        "in_use_subject": "MIGRIS: someone tried to use your e-mail address",
        "in_use_text": "Someone tried to use this address for another MIGRIS account. Your account has not "
        "changed, and this address still signs in to it.",
        "not_me_link": "If this was not you, open this link and press its button: every sign-in ends and the new "
        "passkey is removed.",
        "passkey_added_subject": "MIGRIS: a new passkey was created",
        "passkey_added_text": "A new passkey was created for your MIGRIS account. It signs in without an e-mail code.",
        "passkey_removed_subject": "MIGRIS: a passkey was removed",
        "passkey_removed_text": "A passkey was removed from your MIGRIS account. It no longer signs in.",
        "passkey_clone_subject": "MIGRIS: a suspicious sign-in with a passkey",
        "passkey_clone_text": "Someone tried to sign in to your MIGRIS account with one of its passkeys, which "
        "may have been copied. The sign-in was refused.",
    },
    "uk": {
        "erased_subject": "MIGRIS: обліковий запис видалено",
        "erased_text": "На Ваш запит обліковий запис MIGRIS для входу видалено: його дані, сеанси, пристрої та "
        "ключі доступу стерто. Ви можете знову увійти з цією адресою — тоді буде створено новий обліковий запис.",
        "linked_subject": "MIGRIS: обліковий запис пов’язано з VIISP",
        "linked_text": "Ваш обліковий запис MIGRIS пов’язано з особою, підтвердженою через VIISP. Відтепер Ви "
        "можете входити до нього електронною поштою або через VIISP, а ім’я та прізвище в обліковому записі — ті, "
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
        "change_ignore": "Якщо Ви не змінювали адресу, нічого не робіть: без цього коду її не буде змінено.",
        "notice_subject": "MIGRIS: запит на зміну адреси електронної пошти",
        "notice_text": "Надійшов запит змінити адресу електронної пошти Вашого облікового запису MIGRIS на "
        "{address}. Адресу буде змінено лише після того, як буде введено код, надісланий на нову адресу.",
        "changed_subject": "MIGRIS: адресу електронної пошти змінено",
        "changed_text": "Адресу електронної пошти Вашого облікового запису MIGRIS змінено на {address}. "
        "Цю адресу більше не можна використовувати для входу.",
        "not_you": "Якщо це були не Ви, зверніться до Департаменту міграції.",
        "in_use_subject": "MIGRIS: хтось намагався використати Вашу адресу електронної пошти",
        "in_use_text": "Хтось намагався вказати цю адресу електронної пошти в іншому обліковому записі MIGRIS. "
        "Ваш обліковий запис не змінено, і Ви, як і раніше, входите до нього, використовуючи цю адресу.",
        "not_me_link": "Якщо це були не Ви, відкрийте це посилання й натисніть кнопку: усі сеанси входу буде "
        "завершено, а новий ключ видалено.",
        "passkey_added_subject": "MIGRIS: створено новий ключ доступу",
        "passkey_added_text": "Для Вашого облікового запису MIGRIS створено новий ключ доступу. З ним "
        "можна входити без коду з електронної пошти.",
        "passkey_removed_subject": "MIGRIS: ключ доступу видалено",
        "passkey_removed_text": "З Вашого облікового запису MIGRIS видалено ключ доступу. Ним більше не можна увійти.",
        "passkey_clone_subject": "MIGRIS: підозрілий вхід за допомогою ключа доступу",
        "passkey_clone_text": "Хтось намагався увійти до Вашого облікового запису MIGRIS за допомогою ключа "
        "доступу, який міг бути скопійований. Вхід не дозволено.",
    },
    "ru": {
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
        "change_ignore": "Если Вы не меняли адрес, ничего не делайте: без этого кода он не будет изменён.",
        "notice_subject": "MIGRIS: запрос на изменение адреса электронной почты",
        "notice_text": "Поступил запрос на изменение адреса электронной почты Вашей учётной записи MIGRIS на "
        "{address}. Адрес будет изменён только после ввода кода, отправленного на новый адрес.",
        "changed_subject": "MIGRIS: адрес электронной почты изменён",
        "changed_text": "Адрес электронной почты Вашей учётной записи MIGRIS изменён на {address}. "
        "Этот адрес больше нельзя использовать для входа.",
        "not_you": "Если это были не Вы, обратитесь в Департамент миграции.",
        "in_use_subject": "MIGRIS: кто-то пытался использовать Ваш адрес электронной почты",
        "in_use_text": "Кто-то пытался указать этот адрес электронной почты в другой учётной записи MIGRIS. "
        "Ваша учётная запись не изменена, и Вы по-прежнему входите в неё, используя этот адрес.",
        "not_me_link": "Если это были не Вы, откройте эту ссылку и нажмите кнопку: все сеансы входа будут "
        "завершены, а новый ключ удалён.",
        "passkey_added_subject": "MIGRIS: создан новый ключ доступа",
        "passkey_added_text": "Для Вашей учётной записи MIGRIS создан новый ключ доступа. С ним можно "
        "входить без кода из электронной почты.",
        "passkey_removed_subject": "MIGRIS: ключ доступа удалён",
        "passkey_removed_text": "Из Вашей учётной записи MIGRIS удалён ключ доступа. С ним больше нельзя войти.",
        "passkey_clone_subject": "MIGRIS: подозрительный вход с ключом доступа",
        "passkey_clone_text": "Кто-то пытался войти в Вашу учётную запись MIGRIS с ключом доступа, "
        "который мог быть скопирован. Вход не разрешён.",
    },
}


def _code_message(
    language: Language, code: str, ttl_seconds: int, *, subject: str, intro: str, ignore: str
) -> MailMessage:
    texts = _TEXTS[language]
    minutes = _validity_minutes(ttl_seconds)
    valid = texts["valid"].format(duration=minutes_phrase(language, minutes))
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
    return _code_message(language, code, ttl_seconds, subject="subject", intro="intro", ignore="ignore")


def email_change_code_message(language: Language, code: str, ttl_seconds: int) -> MailMessage:
    return _code_message(
        language, code, ttl_seconds, subject="change_subject", intro="change_intro", ignore="change_ignore"
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


def _notice(language: Language, subject: str, text_key: str, new_address: str = "", *, not_me: str = "") -> MailMessage:
    """A notice: its line, what to do if it was not the person (with `not_me`, the link that secures the account:
    a URL the service made from its configuration, never from a request), the signature."""
    texts = _TEXTS[language]
    line = texts[text_key].format(address=masked_address(new_address))
    if not_me:
        advice = texts["not_me_link"]
        text = f"{line}\n\n{advice}\n{not_me}\n\n{texts['signature']}\n"
        advice_html = f'{html.escape(advice)}<br><a href="{html.escape(not_me)}">{html.escape(not_me)}</a>'
    else:
        text = f"{line}\n\n{texts['not_you']}\n\n{texts['signature']}\n"
        advice_html = html.escape(texts["not_you"])
    body = (
        f'<!doctype html><html lang="{language}"><body><p>{html.escape(line)}</p>'
        f"<p>{advice_html}</p><p>{html.escape(texts['signature'])}</p></body></html>"
    )
    return MailMessage(subject=texts[subject], text=text, html=body)


def address_in_use_notice(language: Language) -> MailMessage:
    """To an address that signs in to an account already, when another account asks to take it: the same
    answer goes to the asker as for a free address, so only the owner learns of it, and gets no code."""
    return _notice(language, "in_use_subject", "in_use_text")


def email_change_notice(language: Language, new_address: str) -> MailMessage:
    """To the old address when a change is asked."""
    return _notice(language, "notice_subject", "notice_text", new_address)


def email_changed_notice(language: Language, new_address: str) -> MailMessage:
    """To the old address when the change has landed."""
    return _notice(language, "changed_subject", "changed_text", new_address)


def identity_linked_notice(language: Language) -> MailMessage:
    """To the account's address when an identity confirmed through VIISP has been linked to it: the owner
    learns of a link they did not make (one made from a stolen session, say) and whom to tell."""
    return _notice(language, "linked_subject", "linked_text")


# The passkey mails name no passkey: its name is text a person typed (an intruder with a session could write
# "call this number" there), and no text from a request enters a mail.


def passkey_added_notice(language: Language, not_me: str = "") -> MailMessage:
    """To the account's address when a passkey was created: the owner learns of one they did not make, and its
    "not me" link removes it and ends every session and device."""
    return _notice(language, "passkey_added_subject", "passkey_added_text", not_me=not_me)


def passkey_removed_notice(language: Language) -> MailMessage:
    """To the account's address when a passkey was removed."""
    return _notice(language, "passkey_removed_subject", "passkey_removed_text")


def passkey_clone_notice(language: Language) -> MailMessage:
    """To the account's address when a passkey's counter did not rise: it may have been copied."""
    return _notice(language, "passkey_clone_subject", "passkey_clone_text")


def account_erased_notice(language: Language) -> MailMessage:
    """To the erased account's address: the erasure it asked for is done, and the address may start anew."""
    return _notice(language, "erased_subject", "erased_text")
