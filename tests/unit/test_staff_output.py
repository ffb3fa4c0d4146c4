"""What `python -m staff` prints: the answer as JSON, in any script, but never a character that steers the
terminal or hides or reorders text. Names, identifiers and reasons are checked where they enter; staff's tool
does not count on that."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from staff import __main__ as staff_cli
from staff.client import Reply, StaffClient

HOSTILE = [
    "\x1b]0;owned\x07",  # retitles the window
    "\x1b[2J",  # clears the screen
    "\x9b2J",  # C1's CSI: the same on terminals that take 8-bit controls
    "\x7f",
    "JONAS\u202eSANOJ",  # right-to-left override: shows reversed
    "ONA\u200bMARIJA",  # zero width space
    "line\u2028break",
    "\U000e0041",  # a tag character (format)
]


@pytest.mark.parametrize("text", HOSTILE)
def test_what_staff_see_holds_no_character_that_steers_or_hides(text):
    shown = staff_cli.for_terminal({"reason": text})
    assert all(character.isprintable() or character in "\n " for character in shown), ascii(shown)
    assert json.loads(shown) == {"reason": text}  # the same JSON, read back


def test_letters_of_any_script_are_shown_as_they_are():
    names = {"given_name": "ŽYDRŪNĖ", "family_name": "Петренко", "other": "ΓΕΏΡΓΙΟΣ 김민준 <b>&"}
    assert staff_cli.for_terminal(names) == json.dumps(names, ensure_ascii=False, indent=2)


@given(st.recursive(st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=8))
def test_any_answer_reads_back_the_same_and_shows_only_printable_characters(value):
    shown = staff_cli.for_terminal(value)
    assert json.loads(shown) == value
    assert all(character.isprintable() or character in "\n " for character in shown)


def test_the_cli_prints_an_audit_reason_encoded(monkeypatch, capsys):
    reason = "Passport checked\x1b[2J\u202e"
    answer = {"events": [{"actor": "arn:aws:sts::1:assumed-role/r/s", "changes": {}, "reason": reason}]}
    monkeypatch.setattr(StaffClient, "audit", lambda self, user_id: Reply(200, answer))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    assert staff_cli.main(["audit", "00000000-0000-4000-8000-000000000000"]) == 0
    printed = capsys.readouterr().out
    assert "\x1b" not in printed and "\u202e" not in printed
    assert json.loads(printed)["events"][0]["reason"] == reason
