"""The bench's arithmetic and its ceiling: what `nox -s bench` judges the targets on."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from werkzeug.test import Client

from hello import create_app

BENCH = Path(__file__).parents[2] / "bench"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = load("bench")
ceiling = load("ceiling")

WRK_OUTPUT = """\
Running 1s test @ http://127.0.0.1:9103/
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    20.11ms    8.54ms  49.31ms   71.25%
    Req/Sec   393.00     97.55   563.00     70.00%
  Latency Distribution
     50%   19.27ms
     75%   24.22ms
     90%   32.14ms
     99%    1.05s
  396 requests in 1.02s, 64.35KB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:    387.17
Transfer/sec:     62.91KB
"""


def test_wrk_output_is_read_with_its_errors() -> None:
    assert bench.parse_wrk(WRK_OUTPUT) == {
        "rps": 387.2,
        "p50_ms": 19.27,
        "p99_ms": 1050.0,
        "errors": 7,
    }


def test_a_run_that_answered_nothing_is_refused() -> None:
    silent = WRK_OUTPUT.replace("396 requests", "0 requests")
    with pytest.raises(ValueError, match="no request was answered"):
        bench.parse_wrk(silent)


def run(rps: float, p99_ms: float, errors: int = 0) -> dict[str, Any]:
    return {"rps": rps, "p50_ms": p99_ms / 2, "p99_ms": p99_ms, "errors": errors}


def rounds(product_rps: list[float], *, product_errors: int = 0) -> list[dict[str, Any]]:
    """Baseline 1,000 rps and 100 ms p99, ceiling 4,000 rps, in every round."""
    return [
        {
            "round": number,
            "connections": connections,
            "baseline": run(1000, 100),
            "product": run(rps, 30, product_errors),
            "ceiling": run(4000, 20),
        }
        for number, rps in enumerate(product_rps, start=1)
        for connections in bench.CONNECTIONS
    ]


def test_ratios_are_taken_within_each_round_and_summed_up_by_their_median() -> None:
    summary = bench.summarise(rounds([3400, 3600, 800]))  # one round hit by other work
    for connections in bench.CONNECTIONS:
        at = summary[str(connections)]
        assert at["rounds"] == 3
        assert at["ratios"]["rps product/baseline"] == {"median": 3.4, "min": 0.8, "max": 3.6}
        assert at["ratios"]["rps product/ceiling"] == {"median": 0.85, "min": 0.2, "max": 0.9}
        assert at["ratios"]["p99 product/baseline"]["median"] == 0.3
        assert at["servers"]["product"]["rps"] == {"median": 3400, "min": 800, "max": 3600}


IMAGES = {
    "baseline": {"added_bytes": 20_000_000, "cold_start_s": 1.0, "rebuild_s": 20.0},
    "product": {"added_bytes": 7_000_000, "cold_start_s": 0.8, "rebuild_s": 5.0},
}


def missed(product_rps: list[float], product_errors: int = 0) -> list[str]:
    summary = bench.summarise(rounds(product_rps, product_errors=product_errors))
    return [v["target"] for v in bench.verdicts(summary, IMAGES) if not v["met"]]


def test_one_noisy_round_does_not_decide_the_verdict() -> None:
    assert missed([3400, 3600, 800]) == []


def test_a_median_below_the_ceiling_target_misses_it() -> None:
    # 3,100 rps: 3.1 x the baseline, but 0.78 of the ceiling.
    assert missed([3100, 3100, 3600]) == ["ceiling @32", "ceiling @256"]


def test_any_product_error_misses_its_target() -> None:
    assert missed([3400, 3400, 3400], product_errors=1) == ["errors @32", "errors @256"]


def test_the_ceiling_answers_what_the_service_answers_on_root() -> None:
    service = Client(create_app()).get("/")
    bare = Client(ceiling.app).get("/")
    assert bare.status == service.status
    assert bare.headers.to_wsgi_list() == service.headers.to_wsgi_list()
    assert bare.get_data() == service.get_data() == bench.GREETING.encode()
