"""Input rules of DESIGN.md that are not a plain type: e-mail address and language."""

from __future__ import annotations

import unicodedata
from typing import Annotated, Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BeforeValidator

MAX_EMAIL_LENGTH = 254
Language = Literal["lt", "en"]
DEFAULT_LANGUAGE: Language = "lt"


def normalize_email(raw: str) -> str:
    """Return the address as stored (NFC, lower-cased) or raise ValueError saying what is wrong."""
    text = unicodedata.normalize("NFC", raw.strip())
    if not text:
        raise ValueError("enter an e-mail address")
    if len(text) > MAX_EMAIL_LENGTH:
        raise ValueError(f"an e-mail address has at most {MAX_EMAIL_LENGTH} characters")
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError as error:
        raise ValueError(f"not a valid e-mail address: {error}") from None
    address = unicodedata.normalize("NFC", checked.normalized.lower())
    if len(address) > MAX_EMAIL_LENGTH:
        raise ValueError(f"an e-mail address has at most {MAX_EMAIL_LENGTH} characters")
    return address


def _strict_str(value: object) -> object:
    # Pydantic would otherwise accept nothing but str anyway; this keeps the message about the field.
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value


EmailAddress = Annotated[str, BeforeValidator(_strict_str), AfterValidator(normalize_email)]


def language_from_header(accept_language: str | None) -> Language:
    """The first of lt/en named in an Accept-Language header, by its q weight; Lithuanian otherwise."""
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
        if primary == "lt":
            return "lt"
        if primary == "en":
            return "en"
    return DEFAULT_LANGUAGE
