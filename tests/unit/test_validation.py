from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from migris.domain.validation import LANGUAGES, MAX_EMAIL_LENGTH, language_from_header, normalize_email


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("Ona@Example.LT", "ona@example.lt"),
        ("  jonas+migris@example.lt ", "jonas+migris@example.lt"),
        ("ŽYDRŪNAS@pavyzdys.lt", "žydrūnas@pavyzdys.lt"),
        ("u\u0308la@example.de", "\u00fcla@example.de"),
    ],
)
def test_addresses_are_stored_lower_cased_and_nfc(raw, stored):
    assert normalize_email(raw) == stored


@pytest.mark.parametrize("raw", ["", "   ", "no-at-sign", "a@", "@b.lt", "a@b", "a b@c.lt", "a@@b.lt"])
def test_invalid_addresses_are_refused(raw):
    with pytest.raises(ValueError):
        normalize_email(raw)


def test_an_address_has_at_most_254_characters():
    local = "a" * 63
    domain = ".".join(["b" * 60] * 3) + ".lt"
    ok = f"{local}@{domain}"
    assert len(ok) <= MAX_EMAIL_LENGTH
    assert normalize_email(ok) == ok
    with pytest.raises(ValueError, match="254"):
        normalize_email("x" * 250 + "@example.lt")


@given(st.emails())
@settings(deadline=None)  # the first example imports email_validator (normalize_email), which is slow
def test_normalising_is_idempotent_and_bounded(address):
    try:
        stored = normalize_email(address)
    except ValueError:
        return
    assert normalize_email(stored) == stored
    assert stored == stored.lower()
    assert unicodedata.is_normalized("NFC", stored)
    assert len(stored) <= MAX_EMAIL_LENGTH


@given(st.text(max_size=300))
@settings(deadline=None)  # the first example imports email_validator (normalize_email), which is slow
def test_any_text_is_either_an_address_or_a_value_error(text):
    try:
        normalize_email(text)
    except ValueError as error:
        assert str(error)


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "lt"),
        ("", "lt"),
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("de-DE,de;q=0.9,en;q=0.8,lt;q=0.7", "en"),
        ("lt-LT,lt;q=0.9,en;q=0.8", "lt"),
        ("en;q=0.1,lt;q=0.5", "lt"),
        ("fr", "lt"),
        ("en;q=0", "lt"),
        ("en;q=abc", "lt"),
    ],
)
def test_language_from_accept_language(header, language):
    assert language_from_header(header) == language


@given(st.text(max_size=200))
def test_any_accept_language_gives_a_supported_language(header):
    assert language_from_header(header) in LANGUAGES
