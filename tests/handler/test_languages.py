"""Four languages (issue 10): lt (the default), en, uk and ru. The sign-in code mail speaks the request's
`language` (or its Accept-Language); PATCH /profile keeps a `language` on the account, and the later mails about
the account (the e-mail change's code and notices, the address-in-use notice) speak it unless the request's
body names another."""

from __future__ import annotations

import pytest

from tests.helpers import Client, FakeClock, accounts_item, assert_error, code_in

ADDRESS = "ona@example.lt"
NEW_ADDRESS = "ona.nauja@example.lt"

# Per language: the sign-in code mail's subject and a phrase of its body; the e-mail change's code, its notice
# to the old address, the notice once it landed, and the notice to an address that is another account's.
MAILS = {
    "lt": {
        "code": ("MIGRIS prisijungimo kodas", "Kodas galioja 60 minučių."),
        "change_code": ("MIGRIS el. pašto adreso patvirtinimo kodas", "Patvirtinimo kodas:"),
        "notice": ("MIGRIS: prašoma pakeisti el. pašto adresą", "Jei to nedarėte jūs"),
        "changed": ("MIGRIS: el. pašto adresas pakeistas", "nebegalėsite prisijungti"),
        "in_use": ("MIGRIS: bandyta naudoti jūsų el. pašto adresą", "Jūsų paskyra nepakeista"),
    },
    "en": {
        "code": ("Your MIGRIS sign-in code", "The code is valid for 60 minutes."),
        "change_code": ("Your MIGRIS e-mail confirmation code", "Your confirmation code:"),
        "notice": ("MIGRIS: a request to change your e-mail address", "If this was not you"),
        "changed": ("MIGRIS: your e-mail address has been changed", "You can no longer sign in with this address."),
        "in_use": ("MIGRIS: someone tried to use your e-mail address", "Your account has not changed"),
    },
    "uk": {
        "code": ("Код для входу в MIGRIS", "Термін дії коду — 60 хвилин."),
        "change_code": ("MIGRIS: код підтвердження адреси електронної пошти", "Код підтвердження:"),
        "notice": ("MIGRIS: запит на зміну адреси електронної пошти", "Якщо це були не Ви"),
        "changed": ("MIGRIS: адресу електронної пошти змінено", "більше не можна використовувати для входу"),
        "in_use": ("MIGRIS: хтось намагався використати Вашу адресу електронної пошти", "Ваш обліковий запис не"),
    },
    "ru": {
        "code": ("Код для входа в MIGRIS", "Срок действия кода — 60 минут."),
        "change_code": ("MIGRIS: код подтверждения адреса электронной почты", "Код подтверждения:"),
        "notice": ("MIGRIS: запрос на изменение адреса электронной почты", "Если это были не Вы"),
        "changed": ("MIGRIS: адрес электронной почты изменён", "больше нельзя использовать для входа"),
        "in_use": ("MIGRIS: кто-то пытался использовать Ваш адрес электронной почты", "Ваша учётная запись не"),
    },
}
LANGUAGES = sorted(MAILS)
SIGNATURES = {
    "lt": "Migracijos departamentas",
    "en": "Migration Department",
    "uk": "Департамент міграції",
    "ru": "Департамент миграции",
}


def last_mail(client: Client, address: str) -> dict:
    mails = client.stack.aws.mails_to(address)
    assert mails, f"no mail to {address}"
    return mails[-1]


def assert_mail(mail: dict, language: str, kind: str) -> None:
    subject, phrase = MAILS[language][kind]
    assert mail["subject"] == subject
    for part in (mail["text"], mail["html"]):
        assert phrase in part
        assert SIGNATURES[language] in part
    assert f'<html lang="{language}">' in mail["html"]


def profile(client: Client, token: str) -> dict:
    answer = client.as_person(token, "GET", "/profile")
    assert answer.status == 200, answer.raw
    return dict(answer.json)


# --- the sign-in code mail: the request's language ---


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sign_in_code_mail_speaks_the_language_the_body_names(client, language):
    assert client.start(ADDRESS, language=language).status == 202
    mail = last_mail(client, ADDRESS)
    assert_mail(mail, language, "code")
    assert client.last_code(ADDRESS) in mail["text"]


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("uk-UA,uk;q=0.9,en;q=0.8", "uk"),
        ("ru-RU,ru;q=0.9", "ru"),
        ("de-DE,ru;q=0.8,uk;q=0.9", "uk"),
        ("en-GB,en;q=0.9", "en"),
        ("pl", "lt"),
    ],
)
def test_the_sign_in_code_mail_speaks_accept_language_when_the_body_names_none(client, header, language):
    assert client.post("/login/email", {"email": ADDRESS}, headers={"Accept-Language": header}).status == 202
    assert_mail(last_mail(client, ADDRESS), language, "code")


def test_the_body_s_language_wins_over_accept_language(client):
    client.post("/login/email", {"email": ADDRESS, "language": "ru"}, headers={"Accept-Language": "uk"})
    assert_mail(last_mail(client, ADDRESS), "ru", "code")


@pytest.mark.parametrize("language", ["de", "UK", "ua", "", 1, ["uk"]])
def test_an_unknown_language_at_sign_in_is_422_naming_language(client, language):
    answer = client.start(ADDRESS, language=language)
    assert assert_error(answer, 422, "validation_error")["fields"].keys() == {"language"}
    assert not client.stack.aws.mails_to(ADDRESS)


# --- PATCH /profile: the e-mail change's mails speak the language the body names ---


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_email_change_s_code_and_notice_speak_the_language_the_body_names(client, language):
    token = client.signed_in(ADDRESS, filled=True)
    answer = client.as_person(token, "PATCH", "/profile", {"email": NEW_ADDRESS, "language": language})
    assert answer.status == 200, answer.raw
    assert answer.json["language"] == language
    code_mail = last_mail(client, NEW_ADDRESS)
    assert_mail(code_mail, language, "change_code")
    assert "o***@example.lt" in last_mail(client, ADDRESS)["text"]
    assert_mail(last_mail(client, ADDRESS), language, "notice")
    # The notice once the change lands speaks it too.
    confirmed = client.as_person(token, "POST", "/profile/email/verify", {"code": code_in(code_mail)})
    assert confirmed.status == 200, confirmed.raw
    assert_mail(last_mail(client, ADDRESS), language, "changed")


# --- the kept language: persisted, shown, and followed by later mails ---


def test_the_profile_shows_no_language_until_one_is_chosen(client):
    token = client.signed_in(ADDRESS)
    assert profile(client, token)["language"] is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_patch_language_is_kept_and_shown(client, language):
    token = client.signed_in(ADDRESS, filled=True)
    answer = client.as_person(token, "PATCH", "/profile", {"language": language})
    assert answer.status == 200, answer.raw
    assert answer.json["language"] == language
    assert profile(client, token)["language"] == language
    assert accounts_item(client.stack, f"user#{answer.json['user_id']}")["language"] == language
    # Nothing but the language changed, and no mail went out for it.
    assert answer.json["email"] == ADDRESS and answer.json["pending_email"] is None
    assert [mail["subject"] for mail in client.stack.aws.mails_to(ADDRESS)] == [MAILS["lt"]["code"][0]]


@pytest.mark.parametrize("language", ["uk", "ru"])
def test_later_notices_follow_the_kept_language_over_accept_language(client, clock: FakeClock, language):
    token = client.signed_in(ADDRESS, filled=True)
    assert client.as_person(token, "PATCH", "/profile", {"language": language}).status == 200
    english = {"Accept-Language": "en-GB,en;q=0.9"}
    client.as_person(token, "PATCH", "/profile", {"email": NEW_ADDRESS}, headers=english)
    code_mail = last_mail(client, NEW_ADDRESS)
    assert_mail(code_mail, language, "change_code")
    assert_mail(last_mail(client, ADDRESS), language, "notice")
    client.as_person(token, "POST", "/profile/email/verify", {"code": code_in(code_mail)}, headers=english)
    assert_mail(last_mail(client, ADDRESS), language, "changed")


def test_a_language_named_with_a_change_is_used_and_kept_for_the_next(client, clock: FakeClock):
    token = client.signed_in(ADDRESS, filled=True)
    client.as_person(token, "PATCH", "/profile", {"language": "ru"})
    client.as_person(token, "PATCH", "/profile", {"email": NEW_ADDRESS, "language": "uk"})
    assert_mail(last_mail(client, NEW_ADDRESS), "uk", "change_code")
    assert_mail(last_mail(client, ADDRESS), "uk", "notice")
    clock.advance(61)
    client.as_person(token, "PATCH", "/profile", {"email": "ona.kita@example.lt"})
    assert_mail(last_mail(client, "ona.kita@example.lt"), "uk", "change_code")
    assert_mail(last_mail(client, ADDRESS), "uk", "notice")


def test_the_address_in_use_notice_speaks_the_askers_kept_language(client, clock: FakeClock):
    client.signed_in(NEW_ADDRESS)
    prober = client.signed_in(ADDRESS, filled=True)
    client.as_person(prober, "PATCH", "/profile", {"language": "ru"})
    clock.advance(61)
    answer = client.as_person(prober, "PATCH", "/profile", {"email": NEW_ADDRESS})
    assert answer.status == 200, answer.raw
    assert_mail(last_mail(client, NEW_ADDRESS), "ru", "in_use")
    assert_mail(last_mail(client, ADDRESS), "ru", "notice")


def test_without_a_kept_language_mails_still_follow_accept_language(client):
    token = client.signed_in(ADDRESS, filled=True)
    client.as_person(token, "PATCH", "/profile", {"email": NEW_ADDRESS}, headers={"Accept-Language": "ru"})
    assert_mail(last_mail(client, NEW_ADDRESS), "ru", "change_code")
    assert_mail(last_mail(client, ADDRESS), "ru", "notice")


def test_a_phone_change_keeps_the_language(client):
    token = client.signed_in(ADDRESS, filled=True)
    client.as_person(token, "PATCH", "/profile", {"language": "en"})
    answer = client.as_person(token, "PATCH", "/profile", {"phone_number": "+370 699 12345"})
    assert answer.status == 200, answer.raw
    assert answer.json["language"] == "en"


@pytest.mark.parametrize("language", ["de", "EN", "lt-LT", "", None, 7, {"uk": True}])
def test_an_unknown_language_in_patch_is_422_naming_language_and_saves_nothing(client, language):
    token = client.signed_in(ADDRESS, filled=True)
    before = profile(client, token)
    answer = client.as_person(token, "PATCH", "/profile", {"language": language, "phone_number": "+370 699 12345"})
    assert "language" in assert_error(answer, 422, "validation_error")["fields"]
    assert profile(client, token) == before


def test_an_empty_patch_names_language_among_what_to_send(client):
    token = client.signed_in(ADDRESS, filled=True)
    error = assert_error(client.as_person(token, "PATCH", "/profile", {}), 422, "validation_error")
    assert "language" in error["fields"]["body"]
