"""The benchmark runner must not rot: run its quick mode on the foundation figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def test_quick_bench_writes_results(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks import run

    out = tmp_path / "results.json"
    assert run.main(["--quick", "--only", "foundation", "--out", str(out)]) == 0
    table = capsys.readouterr().out
    assert "open database and count candidates" in table
    results = json.loads(out.read_text())
    fig = results["open database and count candidates"]
    assert fig["median"] > 0 and fig["floor"] > 0
    assert fig["ratio"] == pytest.approx(fig["median"] / fig["floor"])
    assert set(fig) == {"median", "unit", "floor", "ratio", "budget"}
