"""The docs a newcomer reads in ten minutes (issue 24, item 10): README.md stays short and points to docs/, one
file per concern, and no link in either leads nowhere (a file moved, a heading renamed)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from devserver.template import ROOT

README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped (hyphens kept), spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    found: set[str] = set()
    fenced = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            found.add(slug(line.lstrip("#")))
    return found


def links(path: Path) -> list[str]:
    text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.MULTILINE | re.DOTALL)
    return [target for target in LINK.findall(text) if not re.match(r"[a-z]+:", target)]


def test_the_readme_fits_ten_minutes():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 300, f"README.md has {len(lines)} lines; move the detail to docs/"


def test_the_readme_points_to_every_docs_file():
    linked = {target.split("#")[0] for target in links(README)}
    assert not [doc.name for doc in DOCS if f"docs/{doc.name}" not in linked]


@pytest.mark.parametrize("page", [README, *DOCS], ids=lambda page: page.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(page):
    broken = []
    for target in links(page):
        file, _, anchor = target.partition("#")
        path = (page.parent / file).resolve() if file else page
        if not path.exists() or (anchor and path.suffix == ".md" and anchor not in anchors(path)):
            broken.append(target)
    assert not broken, f"{page.name}: links that lead nowhere: {broken}"


def test_the_slug_is_githubs():
    assert slug(" IAM: who may write what") == "iam-who-may-write-what"
    assert slug("The site's domain") == "the-sites-domain"
    assert slug("moto's gaps (checked with moto 5.2.5)") == "motos-gaps-checked-with-moto-525"
