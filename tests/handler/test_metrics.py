"""Each domain event is also an EMF metric of the same name, in the template's namespace."""

from __future__ import annotations

import json

from migris.observability import metrics


def test_sign_in_events_are_counted_as_emf_metrics(client, monkeypatch, capsys):
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    metrics.clear_metrics()
    capsys.readouterr()
    client.start("ona@example.lt")
    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    # One blob per invocation: the request's (the code asked and queued), then the mail function's (sent).
    assert len(emitted) == 2, emitted
    names = []
    for blob in emitted:
        directive = blob["_aws"]["CloudWatchMetrics"][0]
        assert directive["Namespace"] == "MIGRIS/SignIn"
        names.append({metric["Name"] for metric in directive["Metrics"]})
    assert {"CodeRequested", "CodeQueued"} <= names[0]
    assert "CodeSent" in names[1]
    assert emitted[0]["CodeRequested"] in (1.0, [1.0])
