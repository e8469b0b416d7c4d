"""``conflictkg bench --load-test``, short: mixed reads, refusals, timeouts and a writer on loopback."""

import json

import pytest

from conflictkg.cli import main


@pytest.mark.slow
def test_a_short_load_test_passes(runner):
    result = runner.invoke(main, ["bench", "--load-test", "--seconds", "3"])
    report = json.loads(result.stdout)
    assert result.exit_code == 0, result.output
    assert report["ok"] and report["server_errors"] == []
    assert {"200", "204", "400", "401"} <= set(report["status"])
    assert not set(report["status"]) - {"200", "204", "400", "401", "404", "406", "503"}
    writes = report["writes"]
    assert writes["acknowledged"] > 0 and writes["found"] == writes["acknowledged"] and writes["lost"] == []
    assert report["requests"] == sum(report["status"].values()) and report["p99_ms"] >= report["p50_ms"] > 0
