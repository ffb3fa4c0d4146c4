"""The rules for names, phone numbers and personal codes, as plain functions."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from migris.validation import (
    normalize_name,
    normalize_personal_code,
    normalize_phone,
    personal_code_control_digit,
)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("Ona", "Ona"),
        ("  Ona \t Marija  ", "Ona Marija"),
        ("Jean-Luc", "Jean-Luc"),
        ("N'Diaye", "N'Diaye"),
        ("\u02bbAkau", "\u02bbAkau"),  # a modifier letter (Lm) is a letter
        ("अनिल", "अनिल"),  # Devanagari keeps combining marks (Mn, Mc) after NFC
        (unicodedata.normalize("NFD", "Žilvinas"), "Žilvinas"),
    ],
)
def test_names_are_kept_as_people_write_them(raw, stored):
    assert normalize_name(raw) == stored


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "enter a name"),
        ("   ", "enter a name"),
        ("A" * 32, "at most 31"),
        ("Ona1", "only letters"),
        ("Ona_Marija", "only letters"),
        ("Ona.", "only letters"),
        ("<b>Ona</b>", "starts with a letter"),
        ("'Ona", "starts with a letter"),
        ("Ona\u200bMarija", "only letters"),
        ("😀", "starts with a letter"),
    ],
)
def test_bad_names_say_what_is_wrong(raw, message):
    with pytest.raises(ValueError, match=message):
        normalize_name(raw)


@given(st.text(max_size=60))
def test_a_name_that_passes_is_short_trimmed_and_nfc(raw):
    try:
        name = normalize_name(raw)
    except ValueError:
        return
    assert 1 <= len(name) <= 31
    assert name == name.strip() and "  " not in name
    assert unicodedata.is_normalized("NFC", name)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [("+370 612 34567", "+37061234567"), ("8-612-34567", "+37061234567"), ("+1 202 555 0143", "+12025550143")],
)
def test_phone_numbers_become_e164(raw, stored):
    assert normalize_phone(raw) == stored


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "enter a phone number"),
        ("+370 612 34567 000000", "at most 20"),
        ("abc", "not a phone number"),
        ("+370 1", "phone number"),
        ("123", "not a valid phone number"),
    ],
)
def test_bad_phone_numbers_say_what_is_wrong(raw, message):
    with pytest.raises(ValueError, match=message):
        normalize_phone(raw)


# Known valid codes from python-stdnum and the VIISP notes (§5); one with a bad check digit.
@pytest.mark.parametrize(
    "code", ["33309240064", "35002125431", "48504140959", "61205010081", "36805280109", "51001091072", "36101110058"]
)
def test_valid_personal_codes_pass(code):
    assert normalize_personal_code(code) == code


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("33309240164", "control digit"),
        ("3330924006", "11 digits"),
        ("333092400641", "11 digits"),
        ("3330924006a", "11 digits"),
        ("٣٣٣٠٩٢٤٠٠٦٤", "11 digits"),  # Arabic-Indic digits are digits, but not a personal code's
        ("03309240064", "control digit"),
    ],
)
def test_bad_personal_codes_are_refused(raw, message):
    with pytest.raises(ValueError, match=message):
        normalize_personal_code(raw)


def test_the_second_pass_of_the_control_digit():
    # 1·d1+…+1·d10 leaves 10 for these digits, so the second weights decide.
    first_ten = next(
        f"{n:010d}"
        for n in range(3000000000, 3000100000)
        if sum(int(d) * w for d, w in zip(f"{n:010d}", (1, 2, 3, 4, 5, 6, 7, 8, 9, 1), strict=True)) % 11 == 10
    )
    second = sum(int(d) * w for d, w in zip(first_ten, (3, 4, 5, 6, 7, 8, 9, 1, 2, 3), strict=True)) % 11
    assert personal_code_control_digit(first_ten) == (0 if second == 10 else second)
