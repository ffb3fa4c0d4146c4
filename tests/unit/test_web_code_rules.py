"""The pages know the sign-in code's length (for the hint) and its tries (to tell a used-up code from a wrong one,
which the API answers alike) from index.html's `migris-code`: it says what the template's defaults make. Its
`migris-link-contact` is the template's ContactUrl default, so a refused link and the mails send people to one page."""

from __future__ import annotations

import re
from pathlib import Path

from tests.unit.test_settings_from_template import template_defaults

INDEX = Path(__file__).resolve().parents[2] / "web" / "index.html"


def test_the_pages_code_rules_are_the_templates_defaults():
    match = re.search(r'<meta name="migris-code" content="length=(\d+) tries=(\d+)">', INDEX.read_text())
    assert match, "index.html has no migris-code meta"
    defaults = template_defaults()
    assert (match.group(1), match.group(2)) == (defaults["CodeLength"], defaults["CodeMaxAttempts"])


def test_the_pages_contact_page_is_the_templates_contact_url():
    match = re.search(r'<meta name="migris-link-contact" content="([^"]+)">', INDEX.read_text())
    assert match, "index.html has no migris-link-contact meta"
    assert match.group(1) == template_defaults()["ContactUrl"]
