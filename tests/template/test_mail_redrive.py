"""SQS's redrive must never beat the mail function to a mail's end. A lane hands a message to
the dead letters by itself after maxReceiveCount receives, a visibility timeout apart at the very least; a mail
refused by SES (or paced, or waiting behind the priority lane) is received about once a minute. Before its time is
up (a code: CodeTtlSeconds, up to 100000 s by DESIGN.md; a notice: a day, NOTICE_MAIL_SECONDS), SQS must not move
it, or the mail function never sees its final failure: no burn, no give-back, no `mail_failed`, no ledger entry.
1000 receives x 60 s = 60000 s: less than a notice's day, and less than the longest code."""

from __future__ import annotations

from typing import Any

import pytest
from migris.domain.queued_mail import NOTICE_MAIL_SECONDS

LANES = ("PriorityMailQueue", "BulkMailQueue")


@pytest.mark.parametrize("lane", LANES)
def test_the_redrive_comes_after_the_longest_mail_has_ended(cfn: dict[str, Any], sam_template, lane):
    queue = cfn["Resources"][lane]["Properties"]
    longest_code = int(sam_template["Parameters"]["CodeTtlSeconds"].get("MaxValue", 100000))
    longest_mail = max(longest_code, NOTICE_MAIL_SECONDS)
    redriven_after = int(queue["RedrivePolicy"]["maxReceiveCount"]) * int(queue["VisibilityTimeout"])
    assert redriven_after > longest_mail, (redriven_after, longest_mail)


def test_code_ttl_is_bounded_by_what_the_lanes_keep(cfn: dict[str, Any], sam_template):
    """No MaxValue on CodeTtlSeconds: a deploy with a code longer than 2 days has SQS drop its mail unburned."""
    kept = min(int(cfn["Resources"][lane]["Properties"]["MessageRetentionPeriod"]) for lane in LANES)
    assert "MaxValue" in sam_template["Parameters"]["CodeTtlSeconds"]
    assert int(sam_template["Parameters"]["CodeTtlSeconds"]["MaxValue"]) < kept
