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
    assert emitted, "no EMF line was printed"
    (blob,) = emitted
    directive = blob["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "MIGRIS/SignIn"
    names = {metric["Name"] for metric in directive["Metrics"]}
    assert {"CodeRequested", "CodeSent"} <= names
    assert blob["CodeRequested"] in (1.0, [1.0])
