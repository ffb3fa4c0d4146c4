"""Every mail in all four languages (issue 10): the same facts in each (the code, its validity with the right
plural, the "if it was not you" line, the signature), and Accept-Language picking uk and ru too."""

# The Cyrillic in this file is on purpose: no confusable here.
# ruff: noqa: RUF001, RUF003

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from migris.domain.mail import (
    _TEXTS,
    DEFAULT_CONTACT_URL,
    account_erased_notice,
    address_in_use_notice,
    email_change_code_message,
    email_change_notice,
    email_changed_notice,
    identity_linked_notice,
    login_code_message,
    minutes_phrase,
    new_sign_in_notice,
    passkey_added_notice,
    passkey_clone_notice,
    passkey_removed_notice,
    recovery_completed_notice,
    recovery_confirm_message,
    recovery_started_notice,
)
from migris.domain.validation import LANGUAGES, language_from_header

CODE = "04812345"
CONTACT = "https://www.migracija.example/kontaktai?tema=migris&kalba=lt"  # a configured page, & and all


def test_the_languages_are_lithuanian_english_ukrainian_and_russian():
    assert LANGUAGES == ("lt", "en", "uk", "ru")


def test_every_language_has_every_text_and_each_text_is_its_own():
    keys = set(_TEXTS["lt"])
    assert set(_TEXTS) == set(LANGUAGES)
    for language in LANGUAGES:
        assert set(_TEXTS[language]) == keys, language
        assert all(text.strip() for text in _TEXTS[language].values())
    for key in keys:  # nothing left untranslated (a copy of another language's text)
        assert len({_TEXTS[language][key] for language in LANGUAGES}) == len(LANGUAGES), key


@pytest.mark.parametrize("language", ["uk", "ru"])
def test_ukrainian_and_russian_are_written_in_cyrillic(language):
    for key, text in _TEXTS[language].items():
        latin = re.sub(r"MIGRIS|VIISP|eIDAS|\{\w+\}", "", text)  # names and placeholders stay as they are
        assert not re.search(r"[A-Za-z]", latin), (key, text)
        assert re.search(r"[а-яіїєґё]", text.lower()), (key, text)


# --- plurals: 1 / 2-4 / 5+ with the 11-14 exceptions (Ukrainian, Russian), Lithuanian's own ---


@pytest.mark.parametrize(
    ("minutes", "uk", "ru"),
    [
        (1, "1 хвилина", "1 минута"),
        (2, "2 хвилини", "2 минуты"),
        (3, "3 хвилини", "3 минуты"),
        (4, "4 хвилини", "4 минуты"),
        (5, "5 хвилин", "5 минут"),
        (10, "10 хвилин", "10 минут"),
        (11, "11 хвилин", "11 минут"),
        (12, "12 хвилин", "12 минут"),
        (13, "13 хвилин", "13 минут"),
        (14, "14 хвилин", "14 минут"),
        (15, "15 хвилин", "15 минут"),
        (20, "20 хвилин", "20 минут"),
        (21, "21 хвилина", "21 минута"),
        (22, "22 хвилини", "22 минуты"),
        (24, "24 хвилини", "24 минуты"),
        (25, "25 хвилин", "25 минут"),
        (60, "60 хвилин", "60 минут"),
        (101, "101 хвилина", "101 минута"),
        (111, "111 хвилин", "111 минут"),
        (112, "112 хвилин", "112 минут"),
        (122, "122 хвилини", "122 минуты"),
        (1440, "1440 хвилин", "1440 минут"),
    ],
)
def test_ukrainian_and_russian_minutes_take_the_right_plural(minutes, uk, ru):
    assert minutes_phrase("uk", minutes) == uk
    assert minutes_phrase("ru", minutes) == ru


@pytest.mark.parametrize(
    ("minutes", "lt"),
    [
        (1, "1 minutę"),
        (2, "2 minutes"),
        (9, "9 minutes"),
        (10, "10 minučių"),
        (11, "11 minučių"),
        (19, "19 minučių"),
        (20, "20 minučių"),
        (21, "21 minutę"),
        (29, "29 minutes"),
        (60, "60 minučių"),
        (111, "111 minučių"),
    ],
)
def test_lithuanian_minutes_take_the_right_plural(minutes, lt):
    assert minutes_phrase("lt", minutes) == lt


@pytest.mark.parametrize(("minutes", "en"), [(1, "1 minute"), (2, "2 minutes"), (21, "21 minutes")])
def test_english_minutes(minutes, en):
    assert minutes_phrase("en", minutes) == en


@given(st.integers(min_value=1, max_value=100_000))
def test_the_plural_depends_only_on_the_last_two_digits(minutes):
    for language in LANGUAGES:
        word = minutes_phrase(language, minutes).split(" ", 1)[1]
        twin = minutes % 100 + 100
        if language == "en":
            assert word == ("minute" if minutes == 1 else "minutes")
        else:
            assert word == minutes_phrase(language, twin).split(" ", 1)[1]


# --- the same facts in every language ---


@pytest.mark.parametrize(
    ("language", "ttl", "phrase"),
    [
        ("uk", 3600, "Термін дії коду — 60 хвилин."),
        ("uk", 60, "Термін дії коду — 1 хвилина."),
        ("uk", 180, "Термін дії коду — 3 хвилини."),
        ("uk", 660, "Термін дії коду — 11 хвилин."),
        ("ru", 3600, "Срок действия кода — 60 минут."),
        ("ru", 60, "Срок действия кода — 1 минута."),
        ("ru", 1320, "Срок действия кода — 22 минуты."),
        ("ru", 840, "Срок действия кода — 14 минут."),
    ],
)
def test_the_code_mail_says_how_long_the_code_is_valid(language, ttl, phrase):
    for message in (login_code_message(language, CODE, ttl), email_change_code_message(language, CODE, ttl)):
        assert phrase in message.text and phrase in message.html


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("compose", [login_code_message, email_change_code_message])
def test_every_code_mail_carries_the_code_in_both_parts_and_not_in_the_subject(language, compose):
    message = compose(language, CODE, 3600)
    assert re.search(rf"\b{CODE}\b", message.text)
    assert CODE in message.html
    assert CODE not in message.subject
    assert f'<html lang="{language}">' in message.html
    assert message.text.rstrip().endswith(_TEXTS[language]["signature"])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("notice", [email_change_notice, email_changed_notice])
def test_every_notice_masks_the_new_address_and_says_what_to_do_if_it_was_not_you(language, notice):
    message = notice(language, "ona.nauja@example.lt", contact_url=CONTACT)
    assert "o***@example.lt" in message.text and "o***@example.lt" in message.html
    assert "ona.nauja" not in message.text + message.html
    assert _TEXTS[language]["not_you"] in message.text
    assert message.text.rstrip().endswith(_TEXTS[language]["signature"])
    assert re.search(r"\d{6,}", message.text) is None


# --- each mail says what fits it (issue 23) ---


def _every_mail(language):
    """Every mail the service sends, by name, in `language` (the notices with the configured contact page)."""
    link = "https://www.migracija.lt/#/not-me?t=abc"
    return {
        "login_code": login_code_message(language, CODE, 900),
        "change_code": email_change_code_message(language, CODE, 900),
        "in_use": address_in_use_notice(language, contact_url=CONTACT),
        "change_asked": email_change_notice(language, "ona@example.lt", contact_url=CONTACT),
        "changed": email_changed_notice(language, "ona@example.lt", contact_url=CONTACT),
        "linked": identity_linked_notice(language, contact_url=CONTACT),
        "passkey_added": passkey_added_notice(language, link),
        "passkey_removed": passkey_removed_notice(language, contact_url=CONTACT),
        "passkey_clone": passkey_clone_notice(language, contact_url=CONTACT),
        "new_sign_in": new_sign_in_notice(language, 1_700_000_000, "email", "Firefox on Android", link),
        "recovery_confirm": recovery_confirm_message(language, link),
        "recovery_started": recovery_started_notice(language, link),
        "recovery_done": recovery_completed_notice(language, contact_url=CONTACT),
        "erased": account_erased_notice(language, contact_url=CONTACT),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_email_change_code_mail_does_not_speak_of_signing_in(language):
    change = email_change_code_message(language, CODE, 900)
    sign_in = login_code_message(language, CODE, 900)
    sign_in_sentences = [_TEXTS[language][key] for key in ("intro", "ignore")]
    sign_in_sentences.append(_TEXTS[language]["valid"].split("{duration}")[1].strip(" .,—-"))
    for sentence in sign_in_sentences:
        assert sentence in sign_in.text  # the sign-in code's mail says each
        assert sentence not in change.text, sentence
        assert html.escape(sentence) not in change.html, sentence
    assert minutes_phrase(language, 15) in change.text  # how long the code lives, all the same


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_mail_that_says_to_contact_the_department_links_to_the_configured_page(language):
    said = 0
    for name, message in _every_mail(language).items():
        if _TEXTS[language]["not_you"] not in message.text:
            assert CONTACT not in message.text, name
            continue
        said += 1
        assert f"{_TEXTS[language]['not_you']}\n{CONTACT}\n" in message.text, name
        assert f'<a href="{html.escape(CONTACT)}">{html.escape(CONTACT)}</a>' in message.html, name
    assert said == 8  # in use, change asked, changed, linked, passkey removed and copied, recovered, erased


def test_a_notice_without_a_configured_page_links_to_the_departments_contacts():
    assert DEFAULT_CONTACT_URL == "https://migracija.lrv.lt/lt/kontaktai"
    message = account_erased_notice("lt", contact_url="")
    assert f"\n{DEFAULT_CONTACT_URL}\n" in message.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_mail_with_a_not_me_link_does_not_also_send_the_person_to_the_department(language):
    for name in ("passkey_added", "new_sign_in", "recovery_confirm", "recovery_started"):
        message = _every_mail(language)[name]
        assert _TEXTS[language]["not_you"] not in message.text, name
        assert "https://www.migracija.lt/#/not-me?t=abc" in message.text, name


def test_ukrainian_writes_one_apostrophe_the_typographic_one():
    texts = " ".join(_TEXTS["uk"].values())
    assert re.search(r"[а-яіїєґ]’[а-яіїєґ]", texts)  # пов’язано, ім’я
    assert not re.search(r"[а-яіїєґ]['ʼ`][а-яіїєґ]", texts, re.IGNORECASE)


def test_the_english_mails_use_no_stilted_phrases_of_the_old_texts():
    texts = " ".join(_TEXTS["en"].values())
    for stilted in ("no longer signs in", "still signs in", "was asked", "press its button", "every sign-in ends"):
        assert stilted not in texts, stilted


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_address_in_use_notice_carries_no_code_and_no_address(language):
    message = address_in_use_notice(language, contact_url=CONTACT)
    assert re.search(r"\d{4,}", message.text) is None
    assert "@" not in message.text
    assert _TEXTS[language]["not_you"] in message.text


def test_the_signature_is_the_migration_department_in_each_language():
    assert {language: _TEXTS[language]["signature"] for language in LANGUAGES} == {
        "lt": "Migracijos departamentas",
        "en": "Migration Department",
        "uk": "Департамент міграції",
        "ru": "Департамент миграции",
    }


@pytest.mark.parametrize("language", ["uk", "ru"])
def test_ukrainian_and_russian_address_the_person_formally(language):
    pronoun = {"uk": r"\bВи\b|\bВаш", "ru": r"\bВы\b|\bВаш"}[language]
    texts = " ".join(_TEXTS[language].values())
    assert re.search(pronoun, texts)
    informal = {"uk": r"\b[Тт]и\b|\b[Тт]в(ій|оя|оє|ої)\b", "ru": r"\b[Тт]ы\b|\b[Тт]во(й|я|е|его)\b"}[language]
    assert not re.search(informal, texts)


# --- Accept-Language ---


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("uk", "uk"),
        ("uk-UA,uk;q=0.9,en-US;q=0.8,en;q=0.7", "uk"),
        ("ru-RU,ru;q=0.9,en-US;q=0.8", "ru"),
        ("RU", "ru"),
        ("de-DE,de;q=0.9,ru;q=0.5,uk;q=0.6", "uk"),
        ("ru;q=0,uk;q=0", "lt"),
        ("en;q=0.5,ru;q=0.8", "ru"),
        ("ua", "lt"),  # a country, not a language tag
        ("be-BY", "lt"),
    ],
)
def test_accept_language_picks_ukrainian_and_russian_too(header, language):
    assert language_from_header(header) == language


@given(st.text(max_size=200))
def test_any_accept_language_gives_one_of_the_four(header):
    assert language_from_header(header) in LANGUAGES
