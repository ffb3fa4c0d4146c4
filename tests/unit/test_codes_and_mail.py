from __future__ import annotations

import re

import pytest
from migris.domain.codes import CodePolicy, address_key, code_hash, generate_code, lock_duration, new_login_id
from migris.domain.mail import (
    DEFAULT_CONTACT_URL,
    email_change_code_message,
    email_change_notice,
    email_changed_notice,
    login_code_message,
    masked_address,
)

POLICY = CodePolicy(3600, 8, 5, 60, 5, 10, 20, 10, 900)


def test_codes_are_digits_of_the_asked_length():
    for length in (1, 6, 8, 12):
        code = generate_code(length)
        assert len(code) == length and code.isdigit()


def test_codes_spread_over_all_digits():
    digits = "".join(generate_code(8) for _ in range(500))
    assert set(digits) == set("0123456789")


def test_login_ids_are_long_and_unique():
    ids = {new_login_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(len(i) >= 22 for i in ids)


def test_code_hash_depends_on_pepper_login_and_code():
    base = code_hash(b"pepper", "login", "12345678")
    assert len(base) == 64
    assert code_hash(b"other", "login", "12345678") != base
    assert code_hash(b"pepper", "other", "12345678") != base
    assert code_hash(b"pepper", "login", "12345679") != base
    assert address_key(b"pepper", "a@b.lt") != code_hash(b"pepper", "a@b.lt", "")


def test_locks_double_and_stop_at_a_day():
    assert [lock_duration(POLICY, n) for n in range(5)] == [900, 1800, 3600, 7200, 14400]
    assert lock_duration(POLICY, 10) == 86400
    assert lock_duration(POLICY, 10_000) == 86400


@pytest.mark.parametrize(
    ("language", "ttl", "phrase"),
    [
        ("lt", 3600, "60 minučių"),
        ("lt", 60, "1 minutę"),
        ("lt", 120, "2 minutes"),
        ("lt", 660, "11 minučių"),
        ("lt", 1260, "21 minutę"),
        ("en", 3600, "60 minutes"),
        ("en", 60, "1 minute"),
        ("en", 5, "1 minute"),
    ],
)
def test_mail_says_how_long_the_code_is_valid(language, ttl, phrase):
    message = login_code_message(language, "12345678", ttl)
    assert phrase in message.text and phrase in message.html


@pytest.mark.parametrize("language", ["lt", "en"])
def test_mail_holds_the_code_in_both_parts(language):
    message = login_code_message(language, "04812345", 3600)
    assert re.search(r"\b04812345\b", message.text)
    assert "04812345" in message.html
    assert message.subject and "04812345" not in message.subject


@pytest.mark.parametrize("language", ["lt", "en"])
def test_the_change_code_message_carries_the_code_and_how_long_it_lives(language):
    message = email_change_code_message(language, "12345678", 3600)
    assert "12345678" in message.text and "12345678" in message.html
    assert ("60 minučių" if language == "lt" else "60 minutes") in message.text


@pytest.mark.parametrize("notice", [email_change_notice, email_changed_notice])
@pytest.mark.parametrize("language", ["lt", "en"])
def test_notices_to_the_old_address_mask_the_new_one(notice, language):
    message = notice(language, "ona.nauja@example.lt", contact_url=DEFAULT_CONTACT_URL)
    assert "o***@example.lt" in message.text
    assert "ona.nauja" not in message.text and "ona.nauja" not in message.html
    assert re.search(r"\d{6,}", message.text) is None


def test_a_masked_address_keeps_the_first_letter_and_the_domain():
    assert masked_address("jonas@pavyzdys.lt") == "j***@pavyzdys.lt"
    # Kept in ASCII, shown as people write it; a domain that does not decode is shown as kept.
    assert masked_address("ona@xn--bcher-kva.example") == "o***@bücher.example"
    assert masked_address("ona@xn--zz-0000.lt") == "o***@xn--zz-0000.lt"
