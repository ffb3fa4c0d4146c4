from __future__ import annotations

import re
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
    ],
)
def test_addresses_are_stored_lower_cased(raw, stored):
    assert normalize_email(raw) == stored


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("o@bücher.example", "o@xn--bcher-kva.example"),
        ("O@BÜCHER.Example", "o@xn--bcher-kva.example"),  # UTS #46 folds the case first
        ("o@bu\u0308cher.example", "o@xn--bcher-kva.example"),  # NFC: the same letter typed in two parts
        ("o@xn--bcher-kva.example", "o@xn--bcher-kva.example"),  # the ASCII form typed as it is
        ("ona@žalgiris.lt", "ona@xn--algiris-cxb.lt"),
        ("ivan@пример.рф", "ivan@xn--e1afmkfd.xn--p1ai"),
        ("o@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.lt", "o@example.lt"),  # full-width letters made plain
        # Nontransitional: ß stays a letter of its own (fass.de would be someone else's domain).
        ("o@faß.de", "o@xn--fa-hia.de"),
    ],
)
def test_an_international_domain_is_stored_in_ascii(raw, stored):
    assert normalize_email(raw) == stored


@pytest.mark.parametrize(
    "raw",
    ["ŽYDRŪNAS@pavyzdys.lt", "u\u0308la@example.de", "иван@example.ua", "名前@example.jp", "ona\u00a0p@example.lt"],
)
def test_a_local_part_outside_ascii_is_refused_in_words_that_say_so(raw):
    with pytest.raises(ValueError, match="before the @") as refused:
        normalize_email(raw)
    assert "a-z without accents" in str(refused.value)


@pytest.mark.parametrize("raw", ["o@bü cher.lt", "o@bücher..lt", "o@-bücher.lt", "o@bücher.lt.", "o@a\u200db.lt"])
def test_an_international_domain_that_is_not_one_is_refused(raw):
    with pytest.raises(ValueError, match="not a valid e-mail address"):
        normalize_email(raw)


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


def bucher_address(tail: int) -> tuple[str, str]:
    """An address with 13 labels "bücher" (xn--bcher-kva in ASCII, 13 characters each) and a label of `tail`
    x's: 250 + `tail` characters once converted, 97 + `tail` as typed."""
    local = "o" * 64
    typed = f"{local}@{'.'.join(['bücher'] * 13)}.{'x' * tail}.lt"
    mailed = f"{local}@{'.'.join(['xn--bcher-kva'] * 13)}.{'x' * tail}.lt"
    return typed, mailed


def test_254_characters_after_conversion_pass_and_255_are_refused():
    typed, mailed = bucher_address(4)
    assert len(mailed) == 254 and len(typed) < 200
    assert normalize_email(typed) == mailed
    too_long, mailed_too_long = bucher_address(5)
    assert len(mailed_too_long) == 255
    with pytest.raises(ValueError, match="at most 254 characters"):
        normalize_email(too_long)
    with pytest.raises(ValueError, match="at most 254 characters"):
        normalize_email(mailed_too_long)  # the same address typed in ASCII


def test_the_length_is_counted_as_mailed_not_in_bytes_of_the_typed_form():
    """Cyrillic letters take two bytes each in UTF-8 but Punycode packs a repeated one into about one character:
    an address over 254 bytes as typed but within 254 characters as mailed is taken."""
    label = "\u0430" * 40  # Cyrillic a
    typed = f"{'o' * 36}@{label}.{label}.{label}.{label}.lt"
    assert len(typed.encode()) > MAX_EMAIL_LENGTH
    stored = normalize_email(typed)
    assert len(stored) <= MAX_EMAIL_LENGTH and stored.isascii()
    local, _, domain = stored.partition("@")
    assert local == "o" * 36
    assert domain.encode().decode("idna") != domain  # Python's own (IDNA 2003) decoder reads it back as Cyrillic
    assert domain.encode().decode("idna") == f"{label}.{label}.{label}.{label}.lt"


@given(st.emails())
@settings(deadline=None)  # the first example imports email_validator (normalize_email), which is slow
def test_normalising_is_idempotent_and_bounded(address):
    try:
        stored = normalize_email(address)
    except ValueError:
        return
    assert normalize_email(stored) == stored
    assert stored == stored.lower()
    assert stored.isascii()  # what SES delivers to
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


def test_the_documents_address_schema_says_what_normalize_email_refuses():
    """EMAIL_SCHEMA (the OpenAPI document's words for an address) names the special-use domains email_validator
    refuses; the two lists must not drift apart, and each side of the schema's length holds."""
    import email_validator
    from migris.domain.validation import EMAIL_SCHEMA, SPECIAL_USE_DOMAINS

    assert sorted(SPECIAL_USE_DOMAINS) == sorted(email_validator.SPECIAL_USE_DOMAIN_NAMES)
    pattern = re.compile(EMAIL_SCHEMA["pattern"])
    for name in SPECIAL_USE_DOMAINS:
        for address in (f"ona@mail.{name}", f"ona@mail.{name.upper()}"):
            assert not pattern.search(address), address
            with pytest.raises(ValueError):
                normalize_email(address)
    assert pattern.search("ona@test.example.lt")
    shortest = "a" * (EMAIL_SCHEMA["minLength"] - 4) + "@b.c"
    assert normalize_email(shortest) == shortest
    with pytest.raises(ValueError):
        normalize_email(shortest[1:])
    longest = "a" * 64 + "@" + "b" * 61 + "." + "b" * 60 + "." + "b" * 63 + ".lt"
    assert len(longest) == EMAIL_SCHEMA["maxLength"] == MAX_EMAIL_LENGTH
    assert normalize_email(longest) == longest
