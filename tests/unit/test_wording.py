"""The words of the pages and the mails (issue 23, item 8): every language file has every key, no English is left
in the Lithuanian, Ukrainian and Russian texts, Ukrainian and Russian are Cyrillic but for a few names, Ukrainian
has one apostrophe (’), the address is the formal one, and the forms web/i18n/GLOSSARY.md forbids are used nowhere."""

# The Cyrillic in this file is on purpose: no confusable here.
# ruff: noqa: RUF001, RUF002

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from migris.domain.mail import _TEXTS as MAIL_TEXTS

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "web" / "i18n"
GLOSSARY = I18N / "GLOSSARY.md"
LANGUAGES = ("lt", "en", "uk", "ru")

# Latin text the other languages may hold: the services' and standards' names, the letters an address may use,
# and the contact screen's example of a name in Latin letters. Addresses (x@y) and {placeholders} go too.
ALLOWED_LATIN = ("MIGRIS", "VIISP", "eIDAS", "Smart\u2011ID", "a–z", "Olena Kovalenko")
ADDRESS = re.compile(r"[\w.+-]+@[\w.-]+")
PLACEHOLDER = re.compile(r"\{\w+\}")
WORD = re.compile(r"\b[A-Za-z]{4,}\b")  # a whole word in ASCII letters: "nustatė" holds no "state"
# Lithuanian words spelled as English ones are ("galioja 5 minutes").
SAME_IN_LITHUANIAN = {"minutes"}

# The formal address: the pronoun "you" is capitalised (Ви, Вы, as in an official letter) and never the familiar ти/ты.
PRONOUNS = {
    "uk": r"ви|вас|вам|вами|ваш|ваша|ваше|ваші|вашого|вашої|вашому|вашій|вашим|вашими|ваших|вашу",
    "ru": r"вы|вас|вам|вами|ваш|ваша|ваше|ваши|вашего|вашей|вашему|вашем|вашим|вашими|ваших|вашу",
}
FAMILIAR = {
    "uk": r"ти|тебе|тобі|твій|твоя|твоє|твої|твого|твоєї",
    "ru": r"ты|тебя|тебе|тобой|твой|твоя|твоё|твои|твоего|твоей",
}

_TOKEN = re.compile(r'\s+|//[^\n]*|"(?:[^"\\]|\\.)*"|[A-Za-z_]\w*|[{}:,+;]')


def parse_strings(source: str) -> dict[str, str | dict[str, str]]:
    """The table of a web/i18n file (`export default { key: "text" + "text", key: {one: ..., other: ...} };`) as
    the browser reads it: strings joined, escapes decoded. Anything else in the file is an error, not skipped."""
    tokens = [token for token in _TOKEN.findall(source) if token.strip() and not token.startswith("//")]
    assert "".join(_TOKEN.findall(source)) == source, "the string file holds something the parser does not know"
    assert tokens[:3] == ["export", "default", "{"], tokens[:3]
    position = 2

    def take() -> str:
        nonlocal position
        position += 1
        return tokens[position - 1]

    def text() -> str:
        parts = [json.loads(take())]
        while tokens[position] == "+":
            take()
            parts.append(json.loads(take()))
        return "".join(parts)

    def table() -> dict:
        assert take() == "{"
        found: dict = {}
        while tokens[position] != "}":
            key = take()
            key = json.loads(key) if key.startswith('"') else key
            assert take() == ":", key
            assert key not in found, f"{key} twice"
            found[key] = table() if tokens[position] == "{" else text()
            if tokens[position] == ",":
                take()
        take()
        return found

    strings = table()
    assert tokens[position:] == [";"], tokens[position:]
    return strings


def web_strings(language: str) -> dict[str, str | dict[str, str]]:
    return parse_strings((I18N / f"{language}.js").read_text(encoding="utf-8"))


WEB = {language: web_strings(language) for language in LANGUAGES}


def texts(language: str) -> list[tuple[str, str]]:
    """Every text of a language, the pages' (plural forms one by one) and the mails', each with where it is from
    (the same for every language: "web code.hint#few", "mail subject")."""
    found = []
    for key, value in WEB[language].items():
        forms = value if isinstance(value, dict) else {"": value}
        found += [(f"web {key}{'#' + form if form else ''}", text) for form, text in forms.items()]
    return found + [(f"mail {key}", text) for key, text in MAIL_TEXTS[language].items()]


def without_names(text: str) -> str:
    text = PLACEHOLDER.sub("", ADDRESS.sub("", text))
    for name in ALLOWED_LATIN:
        text = text.replace(name, "")
    return text


def forbidden_forms() -> list[tuple[str, re.Pattern[str]]]:
    """The glossary's "Forms not to use" table, first column: a phrase, matched with any ending of each word (a word
    of more than four letters ending in a vowel, й or ь loses two letters), so "особовий код" finds "особового коду"."""
    section = GLOSSARY.read_text(encoding="utf-8").split("## Forms not to use", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1:-1] for line in section.splitlines() if line.startswith("|")]
    phrases = [cells[0].strip() for cells in rows[2:]]  # after the header and its rule

    def word(w: str) -> str:
        inflected = len(w) > 4 and w[-1].lower() in "аеєиіїоуюяыэёйь"
        return re.escape(w[:-2] if inflected else w) + r"\w*"

    return [(phrase, re.compile(r"\b" + r"\s+".join(map(word, phrase.split())) + r"\b", re.I)) for phrase in phrases]


def test_the_parser_reads_a_file_as_the_browser_does():
    source = 'export default {\n  // a note\n  "a.b": "x " +\n    "y\\u00a0z",\n  "c": {one: "1", other: "{n}"},\n};\n'
    assert parse_strings(source) == {"a.b": "x y\u00a0z", "c": {"one": "1", "other": "{n}"}}
    with pytest.raises(AssertionError):
        parse_strings('export default { "a": `template` };')


def test_every_language_file_has_every_key_and_the_same_plural_keys():
    keys = set(WEB["en"])
    for language in LANGUAGES:
        assert set(WEB[language]) == keys, (language, set(WEB[language]) ^ keys)
        plural = {key for key, value in WEB[language].items() if isinstance(value, dict)}
        assert plural == {key for key, value in WEB["en"].items() if isinstance(value, dict)}, language


@pytest.mark.parametrize("language", ["lt", "uk", "ru"])
def test_no_english_is_left(language):
    """Neither a text that is the English one (a key copied and not translated) nor an English word in one."""
    english = texts("en")
    english_words = {word.lower() for _, text in english for word in WORD.findall(without_names(text))}
    english_words -= SAME_IN_LITHUANIAN
    english_texts: dict[str, set[str]] = {}
    for where, text in english:  # a plural's forms by its key: English has fewer forms than Ukrainian
        english_texts.setdefault(where.split("#")[0], set()).add(text)
    left = []
    for where, text in texts(language):
        key = where.split("#")[0]
        words = set(WORD.findall(without_names(text).lower()))
        copied = text in english_texts.get(key, set()) and re.search(r"[^\W\d_]{2,}", without_names(text))
        if copied or words & english_words:
            left.append((where, text, sorted(words & english_words)))
    assert len(english_words) > 100  # the English side was read
    assert not left, left


@pytest.mark.parametrize("language", ["uk", "ru"])
def test_ukrainian_and_russian_have_no_latin_letters_but_the_names(language):
    latin = [(where, text) for where, text in texts(language) if re.search(r"[A-Za-z]", without_names(text))]
    assert not latin, latin


def test_ukrainian_has_one_apostrophe():
    others = [(where, text) for where, text in texts("uk") if re.search("['ʼ`´‘]", text)]
    assert not others, others


@pytest.mark.parametrize("language", ["uk", "ru"])
def test_the_person_is_addressed_formally(language):
    lower = re.compile(rf"(?<![\w\u2019])(?:{PRONOUNS[language]})(?![\w\u2019])")
    familiar = re.compile(rf"(?<![\w\u2019])(?:{FAMILIAR[language]})(?![\w\u2019])", re.I)
    wrong = [(where, text) for where, text in texts(language) if lower.search(text) or familiar.search(text)]
    assert not wrong, wrong


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_unit_never_breaks_across_lines_on_the_pages(language):
    """Lithuanian "el. paštas" keeps "el." with its word, and a phone number in an example keeps its groups
    together: a no-break space joins them, so a narrow phone never ends a line inside either."""
    web = [(where, text) for where, text in texts(language) if where.startswith("web ")]
    broken = [(where, text) for where, text in web if re.search(r"\b[Ee]l\. |\+\d[\d\u00a0]* \d", text)]
    assert not broken, broken
    if language == "lt":
        assert any("el.\u00a0pašto" in text for _, text in web)  # the check reads the texts it means


def test_the_glossary_forbids_the_forms_the_issue_names():
    phrases = [phrase for phrase, _ in forbidden_forms()]
    assert {"особовий код", "електронний банкінг", "электронный банкинг"} <= set(phrases), phrases


FILES = [
    *sorted((ROOT / "web").rglob("*.js")),
    ROOT / "web" / "index.html",
    ROOT / "layers" / "common" / "migris" / "domain" / "mail.py",
    *sorted((ROOT / "docs").glob("*.md")),
]


@pytest.mark.parametrize("phrase_pattern", forbidden_forms(), ids=lambda item: item[0])
def test_no_forbidden_form_is_used(phrase_pattern):
    phrase, pattern = phrase_pattern
    used = [(where, text) for language in LANGUAGES for where, text in texts(language) if pattern.search(text)]
    used += [str(path.relative_to(ROOT)) for path in FILES if pattern.search(path.read_text(encoding="utf-8"))]
    assert not used, (phrase, used)
