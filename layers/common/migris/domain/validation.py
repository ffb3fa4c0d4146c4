"""Input rules of DESIGN.md that are not a plain type: e-mail address, language, names, phone number and
personal code. Each normalizer returns the stored form or raises ValueError with a message for people."""

from __future__ import annotations

import string
import unicodedata
from typing import Annotated, Any, Literal, TypeVar, get_args

from pydantic import AfterValidator, BaseModel, BeforeValidator, ValidationError, WithJsonSchema

from migris.domain.errors import InvalidInput

ModelT = TypeVar("ModelT", bound=BaseModel)
MAX_EMAIL_LENGTH = 254
# The languages of the mails: Lithuanian (the default), English, Ukrainian and Russian.
Language = Literal["lt", "en", "uk", "ru"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
DEFAULT_LANGUAGE: Language = "lt"


# What a person reads when the part before @ holds a letter outside a-z: SES delivers to 7-bit addresses only.
LOCAL_PART_NOT_ASCII = (
    "use only the letters a-z without accents, digits and signs such as . _ - + before the @: "
    "mail cannot be delivered to an address with other characters there"
)


def normalize_email(raw: str) -> str:
    """The address as stored and mailed, or ValueError saying what is wrong. SES delivers 7-bit addresses only:
    the domain is mapped by UTS #46 (nontransitional, so faß.de stays faß.de) and converted by IDNA 2008 to
    ASCII (xn--fa-hia.de); the part before @ must be ASCII already. Lower-cased; at most 254 characters after
    the conversion."""
    # Imported by the first address only: its import compiles large Unicode regexes (about 20 ms of a cold
    # start) that a request without an address (a profile read, VIISP) never needs.
    from email_validator import EmailNotValidError
    from email_validator.syntax import validate_email_domain_name, validate_email_local_part

    text = unicodedata.normalize("NFC", raw.strip())
    if not text:
        raise ValueError("enter an e-mail address")
    # A bound before any Unicode work. Converting a domain lengthens it (only invisible characters that UTS #46
    # drops could make a typed form longer than the one mailed).
    if len(text) > MAX_EMAIL_LENGTH:
        raise ValueError(f"an e-mail address has at most {MAX_EMAIL_LENGTH} characters")
    local, at, domain = text.rpartition("@")
    if not at:
        raise ValueError("not a valid e-mail address: it needs an @")
    if not domain:
        raise ValueError("not a valid e-mail address: there must be something after the @")
    if not local.isascii():
        raise ValueError(LOCAL_PART_NOT_ASCII)
    # email_validator's two halves rather than its validate_email, which would also hold the Unicode form of the
    # domain to 254 bytes of UTF-8: the contract counts the address as mailed. No quoted part before the @, no
    # display name, no [IP address] after it: neither half takes them.
    try:
        local_part = validate_email_local_part(local, allow_smtputf8=False)["ascii_local_part"]
        # UTS #46 nontransitional mapping, then IDNA 2008 (the idna package), checked again in Unicode.
        ascii_domain = validate_email_domain_name(domain)["ascii_domain"]
    except EmailNotValidError as error:
        raise ValueError(f"not a valid e-mail address: {error}") from None
    if local_part is None:  # never with allow_smtputf8=False; said as the rule it would break
        raise ValueError(LOCAL_PART_NOT_ASCII)
    address = f"{local_part}@{ascii_domain}".lower()
    if len(address) > MAX_EMAIL_LENGTH:
        raise ValueError(
            f"an e-mail address has at most {MAX_EMAIL_LENGTH} characters with its domain written as mail servers "
            f"write it ({len(address)} here)"
        )
    return address


def _strict_str(value: object) -> object:
    # Pydantic would otherwise accept nothing but str anyway; this keeps the message about the field.
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value


# The names email_validator refuses as special-use or reserved (its SPECIAL_USE_DOMAIN_NAMES, not imported here:
# see normalize_email; a unit test holds the two equal).
SPECIAL_USE_DOMAINS = ("arpa", "invalid", "local", "localhost", "onion", "test")


def _in_any_case(word: str) -> str:
    """A regular expression for `word` in any case: JSON Schema's patterns take no flags."""
    return "".join(f"[{letter.lower()}{letter.upper()}]" for letter in word)


# What the OpenAPI document says of an address, so a client (or a fuzzer) that keeps to it is not refused: an
# addr-spec (a@b.c is the shortest normalize_email takes) of at most 254 characters, in no special-use domain.
# The rules stay normalize_email's; an address with a Unicode domain, which the format leaves out, is taken too.
EMAIL_SCHEMA = {
    "type": "string",
    "format": "email",
    "minLength": len("a@b.c"),
    "maxLength": MAX_EMAIL_LENGTH,
    "pattern": rf"^(?!.*\.(?:{'|'.join(_in_any_case(name) for name in SPECIAL_USE_DOMAINS)})$)",
    "description": "An e-mail address (a domain in Unicode is taken too, and kept in ASCII); SES delivers to "
    "7-bit addresses only, so the part before @ is ASCII. No special-use domain (.test, .local, ...).",
}

EmailAddress = Annotated[
    str, BeforeValidator(_strict_str), AfterValidator(normalize_email), WithJsonSchema(EMAIL_SCHEMA)
]


def language_from_header(accept_language: str | None) -> Language:
    """The first of lt/en/uk/ru named in an Accept-Language header, by its q weight; Lithuanian otherwise."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip().lower()))
    for negative_quality, _, tag in sorted(ranked):
        if negative_quality >= 0:
            break
        primary = tag.split("-")[0]
        for language in LANGUAGES:
            if primary == language:
                return language
    return DEFAULT_LANGUAGE


# --- names, phone numbers and personal codes ---

MAX_NAME_LENGTH = 31
MAX_VIISP_NAME_LENGTH = 100
MAX_PHONE_LENGTH = 20
DEFAULT_PHONE_REGION = "LT"
NAME_PUNCTUATION = frozenset(" -'\u2019")  # space, hyphen, apostrophe and the typographic apostrophe
# Letters and marks that show nothing: the Hangul and Khitan fillers, and the default-ignorable letters and marks
# (combining grapheme joiner, Khmer inherent vowels, Mongolian free variation selectors, variation selectors).
# Format (Cf, which holds the zero-width and bidi controls) and control (Cc) characters are refused by category.
NAME_BLANKS = frozenset(
    "\u115f\u1160\u3164\uffa0\U00016fe4\u034f\u17b4\u17b5\u180b\u180c\u180d\u180f"
    + "".join(map(chr, range(0xFE00, 0xFE10)))
    + "".join(map(chr, range(0xE0100, 0xE01F0)))
)
# Letters that NFKC changes but that are the ordinary spelling of a living script, typed from its keyboard:
# Thai and Lao sara am, Lao ho no and ho mo, Armenian ech-yiwn (as in Գևորգ, Լևոն).
NAME_NFKC_KEPT = frozenset("\u0e33\u0eb3\u0edc\u0edd\u0587")
# The characters that steer text direction (the Unicode Bidi_Control property).
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# Accents and other marks one letter may carry: enough for any script's spelling (Vietnamese, Hebrew with its
# points, Indic and Tibetan stacks take two or three), never a tower of overlays that covers the text around it.
MAX_MARKS_PER_LETTER = 4


def _invisible(char: str) -> bool:
    return char in NAME_BLANKS or unicodedata.category(char) in {"Cc", "Cf"}


def _has_a_tower_of_marks(text: str) -> bool:
    """Whether more than MAX_MARKS_PER_LETTER combining marks (Unicode category M) follow one another."""
    run = 0
    for char in text:
        run = run + 1 if unicodedata.category(char).startswith("M") else 0
        if run > MAX_MARKS_PER_LETTER:
            return True
    return False


TOO_MANY_MARKS = f"a letter carries at most {MAX_MARKS_PER_LETTER} accents or other marks"


def normalize_name(raw: str) -> str:
    """A given or family name as stored: NFC, trimmed, inner spaces collapsed; letters of any alphabet
    (Unicode categories L and M) with spaces, hyphens and apostrophes. No invisible character (fillers,
    format, bidi and control characters) and nothing NFKC would change (ligatures, full-width and styled
    letters), so the name is what it looks like. Raises ValueError saying what is wrong."""
    text = " ".join(unicodedata.normalize("NFC", raw).split())
    if not text:
        raise ValueError("enter a name")
    if len(text) > MAX_NAME_LENGTH:
        raise ValueError(f"a name has at most {MAX_NAME_LENGTH} characters")
    if any(_invisible(char) for char in text):
        if not any(unicodedata.category(char).startswith("L") and not _invisible(char) for char in text):
            raise ValueError("a name needs a visible letter")
        raise ValueError("a name cannot hold invisible characters")
    if any(char not in NAME_NFKC_KEPT and unicodedata.normalize("NFKC", char) != char for char in text):
        raise ValueError("use plain letters, not styled letters, ligatures or symbols")
    if not unicodedata.category(text[0]).startswith("L"):
        raise ValueError("a name starts with a letter")
    for char in text:
        if char not in NAME_PUNCTUATION and unicodedata.category(char)[0] not in {"L", "M"}:
            raise ValueError("use only letters, spaces, hyphens and apostrophes")
    if _has_a_tower_of_marks(text):
        raise ValueError(TOO_MANY_MARKS)
    return text


MAX_PASSKEY_NAME_LENGTH = 64


def normalize_passkey_name(raw: str) -> str:
    """A passkey's name as the person's list shows it: NFC, trimmed, inner spaces collapsed, 1 to 64 visible
    characters (no control, format, bidi or filler character, no tower of marks)."""
    text = " ".join(unicodedata.normalize("NFC", raw).split())
    if not text:
        raise ValueError("enter a name")
    if len(text) > MAX_PASSKEY_NAME_LENGTH:
        raise ValueError(f"a name has at most {MAX_PASSKEY_NAME_LENGTH} characters")
    if any(_invisible(char) or unicodedata.category(char) in {"Co", "Cs", "Cn", "Zl", "Zp"} for char in text):
        raise ValueError("a name cannot hold invisible characters")
    if _has_a_tower_of_marks(text):
        raise ValueError(TOO_MANY_MARKS)
    return text


class ViispNameRefused(ValueError):
    """A name from VIISP that breaks a name rule; `reason` says which, for the security log (never the name)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def normalize_viisp_name(raw: str | None) -> str | None:
    """A name VIISP vouched for, kept as VIISP gives it (upper case, in any script): NFC with whitespace
    collapsed, cut to at most 100 characters, never between a letter and its marks; None when there is none.
    The person-name rules that keep a name what it looks like hold for it too, and break with ViispNameRefused:
    no control character (other than the tab and line ends XML carries as whitespace) or bidi control, no
    invisible one (fillers, zero-width and other format characters), a visible letter, and at most
    MAX_MARKS_PER_LETTER marks on a letter. No register name breaks them, and they could hide or reorder
    what staff, the pages and the mails show."""
    if not raw:
        return None
    if any(char in BIDI_CONTROLS or (unicodedata.category(char) == "Cc" and char not in "\t\n\r") for char in raw):
        raise ViispNameRefused("control_character_in_name", "a name from VIISP holds a control character")
    text = " ".join(unicodedata.normalize("NFC", raw).split())
    if not text:
        return None
    if any(_invisible(char) for char in text):
        raise ViispNameRefused("invisible_character_in_name", "a name from VIISP holds an invisible character")
    if _has_a_tower_of_marks(text):
        raise ViispNameRefused("too_many_marks_in_name", f"a name from VIISP: {TOO_MANY_MARKS}")
    if len(text) > MAX_VIISP_NAME_LENGTH:
        end = MAX_VIISP_NAME_LENGTH
        while end > 0 and unicodedata.category(text[end]).startswith("M"):
            end -= 1
        text = (text[:end] or text[:MAX_VIISP_NAME_LENGTH]).rstrip()
    if not any(unicodedata.category(char).startswith("L") for char in text):
        raise ViispNameRefused("no_letter_in_name", "a name from VIISP holds no letter")
    return text


def normalize_phone(raw: str) -> str:
    """A phone number as stored (E.164), from at most 20 typed characters; Lithuania is the default region."""
    text = raw.strip()
    if not text:
        raise ValueError("enter a phone number")
    if len(text) > MAX_PHONE_LENGTH:
        raise ValueError(f"a phone number has at most {MAX_PHONE_LENGTH} characters")
    import phonenumbers  # its metadata loads at import: only when a phone number is parsed

    try:
        number = phonenumbers.parse(text, DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        raise ValueError("not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid phone number; add the country code, e.g. +370 for Lithuania")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


PERSONAL_CODE_LENGTH = 11
_FIRST_WEIGHTS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 1)
_SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 1, 2, 3)


def personal_code_control_digit(first_ten: str) -> int:
    """The control digit of a Lithuanian personal code (asmens kodas): weights 1..9,1, then 3..9,1,2,3 if
    the first sum leaves 10, and 0 if the second does too."""
    digits = [int(d) for d in first_ten]
    remainder = sum(d * w for d, w in zip(digits, _FIRST_WEIGHTS, strict=True)) % 11
    if remainder == 10:
        remainder = sum(d * w for d, w in zip(digits, _SECOND_WEIGHTS, strict=True)) % 11
        if remainder == 10:
            remainder = 0
    return remainder


def normalize_personal_code(raw: str) -> str:
    text = raw.strip()
    if len(text) != PERSONAL_CODE_LENGTH or not text.isascii() or not text.isdigit():
        raise ValueError(f"a personal code has {PERSONAL_CODE_LENGTH} digits")
    if text[0] not in "123456789" or int(text[-1]) != personal_code_control_digit(text[:10]):
        raise ValueError("not a valid personal code (the control digit does not match)")
    return text


MAX_EIDAS_ID_LENGTH = 256
# What a country's own part of an eIDAS identifier may hold: what the member states' identifiers use (letters,
# digits, Base64's + / =, and - _ . :), and nothing that means something in HTML, a shell, a log or a CSV file
# (< > " ' & spaces, quotes, backslashes) wherever staff or a tool ever show it.
EIDAS_ID_CHARACTERS = frozenset(string.ascii_letters + string.digits + "+/=-_.:")
LITHUANIA = "LT"  # as eIDAS writes it


def normalize_eidas_id(raw: str) -> str:
    """An eIDAS person identifier as the eIDAS network gives it: `CC/CC/identifier` (the issuing country, the
    receiving one, then the country's own identifier), at most 256 characters, the identifier only of
    EIDAS_ID_CHARACTERS. It keys an account, so it is kept exactly as given (no case folding): another spelling
    is another key."""
    text = raw.strip()
    if not text or len(text) > MAX_EIDAS_ID_LENGTH:
        raise ValueError(f"an eIDAS identifier has 1 to {MAX_EIDAS_ID_LENGTH} characters")
    issuing, _, rest = text.partition("/")
    receiving, _, own = rest.partition("/")
    if not (_is_country(issuing) and _is_country(receiving)) or not own:
        raise ValueError("an eIDAS identifier reads CC/CC/identifier")
    if not set(own) <= EIDAS_ID_CHARACTERS:
        raise ValueError("an eIDAS identifier holds only the letters A-Z and a-z, digits and + / = - _ . :")
    return text


def eidas_country(eidas_id: str) -> str:
    """The country that issued the eID (the identifier's first part)."""
    return eidas_id[:2]


def _is_country(text: str) -> bool:
    return len(text) == 2 and text.isascii() and text.isalpha() and text.isupper()


# What the OpenAPI document says of each: the rules in words, as no JSON Schema keyword can state them (a valid
# number, a visible letter, a control digit), and no bound the normalizer does not hold exactly (an empty string
# is always refused; a length counts after trimming, which a maxLength would not).
NAME_SCHEMA = {
    "type": "string",
    "minLength": 1,
    "description": "Letters of any alphabet with their accents, spaces, hyphens and apostrophes, starting with a "
    f"letter; at most {MAX_NAME_LENGTH} characters once spaces are trimmed and collapsed; nothing invisible, no "
    f"styled or full-width letters or ligatures, at most {MAX_MARKS_PER_LETTER} marks on a letter.",
}
PHONE_SCHEMA = {
    "type": "string",
    "minLength": 1,
    "description": "A phone number that libphonenumber finds valid: with its country code (+370 ...), or else read "
    f"as a Lithuanian one; at most {MAX_PHONE_LENGTH} characters besides the spaces around it. Kept in E.164.",
}
PERSONAL_CODE_SCHEMA = {
    "type": "string",
    "minLength": 1,
    "description": f"A Lithuanian personal code: {PERSONAL_CODE_LENGTH} digits, the first 1-9, the last the "
    "control digit of the first ten.",
}
EIDAS_ID_SCHEMA = {
    "type": "string",
    "minLength": 1,
    "description": "An eIDAS identifier, CC/CC/identifier: the issuing country, the receiving one, then the "
    f"identifier of A-Z, a-z, digits and + / = - _ . : (at most {MAX_EIDAS_ID_LENGTH} characters in all).",
}

PersonName = Annotated[str, BeforeValidator(_strict_str), AfterValidator(normalize_name), WithJsonSchema(NAME_SCHEMA)]
PhoneNumber = Annotated[
    str, BeforeValidator(_strict_str), AfterValidator(normalize_phone), WithJsonSchema(PHONE_SCHEMA)
]
PersonalCode = Annotated[
    str, BeforeValidator(_strict_str), AfterValidator(normalize_personal_code), WithJsonSchema(PERSONAL_CODE_SCHEMA)
]
PASSKEY_NAME_SCHEMA = {
    "type": "string",
    "minLength": 1,
    "description": f"1 to {MAX_PASSKEY_NAME_LENGTH} visible characters (spaces around it are trimmed).",
}
PasskeyName = Annotated[
    str, BeforeValidator(_strict_str), AfterValidator(normalize_passkey_name), WithJsonSchema(PASSKEY_NAME_SCHEMA)
]
EidasId = Annotated[
    str, BeforeValidator(_strict_str), AfterValidator(normalize_eidas_id), WithJsonSchema(EIDAS_ID_SCHEMA)
]


# --- pydantic errors as DESIGN.md's fields ---


def _field_name(location: tuple[Any, ...] | list[Any]) -> str:
    names = [str(part) for part in location if isinstance(part, str)]
    if len(names) > 1 and names[0] in {"body", "query", "header", "path", "cookie"}:
        return ".".join(names[1:])
    return names[-1] if names else "body"


_MESSAGES = {
    "json_invalid": "the body is not valid JSON",
    "missing": "this field is required",
    "extra_forbidden": "this field is not accepted here",
    "model_attributes_type": "the body must be a JSON object",
    "model_type": "the body must be a JSON object",
    "dict_type": "the body must be a JSON object",
    "string_type": "must be a string",
    "literal_error": "must be one of the listed values",
}


def field_errors(errors: list[Any]) -> dict[str, str]:
    """Pydantic / Powertools errors as {field: what is wrong}, the first error of each field."""
    fields: dict[str, str] = {}
    for error in errors:
        kind = str(error.get("type", ""))
        name = _field_name(error.get("loc", ()))
        if kind in {"json_invalid", "model_attributes_type", "model_type", "dict_type"}:
            name = "body"
        message = _MESSAGES.get(kind) or str(error.get("msg", "is not valid")).removeprefix("Value error, ")
        if kind == "literal_error" and "expected" in error.get("ctx", {}):
            message = f"must be one of {error['ctx']['expected']}"
        if kind == "missing" and name == "body":
            message = "a JSON body is required"
        fields.setdefault(name, message)
    return fields


def parse_input[ModelT: BaseModel](model: type[ModelT], data: Any) -> ModelT:
    """Validate data the domain was handed (a parsed JSON body); InvalidInput names each bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise InvalidInput(field_errors(list(error.errors()))) from None
