"""The rules for names, phone numbers and personal codes, as plain functions."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from migris.domain.validation import (
    MAX_VIISP_NAME_LENGTH,
    NAME_NFKC_KEPT,
    normalize_name,
    normalize_personal_code,
    normalize_phone,
    normalize_viisp_name,
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
    "name",
    [
        "Ąžuolas",
        "Ą\u0301žuolas",  # an accent NFC cannot compose stays a combining mark
        "Žilvinas",
        "Nguyễn Thị Minh Khai",
        "O\u2019Brien",  # the typographic apostrophe
        "Jean-Luc",
        "Ołeksandr",
        "Олександр",
        "Сергій",
        "محمد",
        "عبد الرحمن",
        "José María",
        "გიორგი",
        "Γιώργος",
        "Ἀλέξανδρος",
        "王小明",
        "김민준",
        "יִצְחָק",
        "さくら",
        "प्रियंका",
        "กำพล",  # Thai sara am: NFKC would split it, but it is how Thai is written
        "Գևորգ",  # Armenian ech-yiwn, likewise
    ],
)
def test_names_of_every_alphabet_pass_unchanged(name):
    assert normalize_name(name) == name


def test_korean_typed_as_jamo_becomes_syllables():
    assert normalize_name(unicodedata.normalize("NFD", "김민준")) == "김민준"


@pytest.mark.parametrize(
    "raw",
    ["\u3164", "\u3164 \u3164", "\u115f", "\u1160", "\uffa0", "\u200b", "\u2060", "\u200d\u200c", "\ufe0f"],
)
def test_a_name_needs_a_visible_letter(raw):
    with pytest.raises(ValueError, match="needs a visible letter"):
        normalize_name(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "Ona\u3164",
        "\u3164Ona",
        "Ona\u200bMarija",
        "Ona\u00adMarija",  # soft hyphen
        "\u202eanO",  # right-to-left override
        "Ona\u2066Marija\u2069",
        "\u200fمحمد",
        "Ona\u034f",  # combining grapheme joiner
        "Ona\ufe0f",  # variation selector
        "Ona\x00",
        "Ona\x7f",
    ],
)
def test_invisible_characters_are_refused(raw):
    with pytest.raises(ValueError, match="cannot hold invisible characters"):
        normalize_name(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "\U0001d40e\U0001d427\U0001d41a",  # Ona in mathematical bold
        "\U0001d4de\U0001d4f7\U0001d4ea",  # Ona in mathematical bold script
        "\uff2f\uff4e\uff41",  # Ona in full-width letters
        "ﬁona",  # ligature
        "Ĳsbrand",  # Dutch ij ligature
        "ǅemal",  # one-character digraph
        "ªna",  # feminine ordinal
        "ｵﾅ",  # half-width katakana
        "ᴼⁿᵃ",  # superscript letters
        "ﷺ" * 31,  # NFKC turns these 31 characters into 558
    ],
)
def test_styled_letters_and_ligatures_are_refused(raw):
    with pytest.raises(ValueError, match="plain letters, not styled letters"):
        normalize_name(raw)


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
        ("Ona\u200bMarija", "invisible"),
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
    assert all(char in NAME_NFKC_KEPT or unicodedata.normalize("NFKC", char) == char for char in name)
    assert len(unicodedata.normalize("NFKC", name)) <= 2 * len(name)
    assert not any(unicodedata.category(char) in {"Cc", "Cf"} or char in "\u3164\u115f\u1160\uffa0" for char in name)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        (None, None),
        ("", None),
        (" \t\n", None),
        ("JONAS", "JONAS"),
        ("  ONA \t\r\n MARIJA ", "ONA MARIJA"),
        (unicodedata.normalize("NFD", "ŽEMAITYTĖ"), "ŽEMAITYTĖ"),
        ("ŠILEIKA\u200dS", "ŠILEIKA\u200dS"),  # kept as VIISP gives it: only control characters are refused
        ("ﬁ", "ﬁ"),
    ],
)
def test_viisp_names_are_kept_as_viisp_gives_them(raw, stored):
    assert normalize_viisp_name(raw) == stored


@pytest.mark.parametrize(
    "raw",
    ["JO\x00NAS", "JONAS\x1b[2J", "JONAS\x07", "JO\x7fNAS", "JONAS\x85", "JONAS\x9b2J", "\u202eSANOJ", "JO\u2066NAS"],
)
def test_a_viisp_name_with_a_control_character_is_refused(raw):
    with pytest.raises(ValueError, match="control character"):
        normalize_viisp_name(raw)


def test_a_long_viisp_name_is_cut_at_100_characters():
    assert normalize_viisp_name("A" * 150) == "A" * MAX_VIISP_NAME_LENGTH
    assert normalize_viisp_name("AB " * 50) == ("AB " * 34)[:100]
    # Never between a letter and its marks: Ą with an acute NFC cannot compose is two characters.
    assert normalize_viisp_name("A" * 99 + "Ą\u0301" + "B" * 10) == "A" * 99
    assert normalize_viisp_name(unicodedata.normalize("NFD", "Ž" * 150)) == "Ž" * 100


@given(st.one_of(st.none(), st.text(max_size=300)))
def test_a_viisp_name_is_nfc_at_most_100_and_free_of_controls(raw):
    try:
        name = normalize_viisp_name(raw)
    except ValueError:
        return
    if name is None:
        return
    assert 1 <= len(name) <= MAX_VIISP_NAME_LENGTH
    assert name == name.strip() and "  " not in name
    assert unicodedata.is_normalized("NFC", name)
    assert not any(unicodedata.category(char) == "Cc" for char in name)


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
