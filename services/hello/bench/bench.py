"""Measures the product image against a naive baseline, side by side, in one run.

Run through `nox -s bench`: it prints a table and writes build/bench/results.json
shaped {"baseline": {...}, "product": {...}}. Load comes from wrk on loopback.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

HERE = Path(__file__).parent
SERVICE = HERE.parent
CONNECTIONS = (32, 256)
COLD_STARTS = 5
TOUCHED_FILE = Path("src/hello/app.py")

Result = dict[str, Any]


def log(message: str) -> None:
    print(f"bench: {message}", flush=True)


def docker(*args: str) -> str:
    return subprocess.run(
        ["docker", *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def build(tag: str, context: Path, dockerfile: Path, base: str, platform: str) -> float:
    """Builds the image and returns how long it took."""
    started = time.monotonic()
    subprocess.run(
        ["docker", "build", "--quiet", "--platform", platform, "--file", str(dockerfile),
         "--build-arg", f"BASE_IMAGE={base}", "--build-arg", "REVISION=bench",
         "--build-arg", "VERSION=bench", "--tag", tag, str(context)],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return time.monotonic() - started


def image_bytes(image: str) -> int:
    return int(docker("image", "inspect", "--format", "{{.Size}}", image))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start(tag: str) -> tuple[str, str]:
    """Runs the image on the host's network, listening on loopback only.

    Host networking keeps Docker's userland port proxy out of the measurement, and no
    log driver keeps out dockerd's copying of every log line (both servers still write
    one per request): on a two-core machine those took about half a core, which caps
    the server that can use both cores but not the one the GIL holds to one.
    Each image reads its own variables and ignores the other's.
    """
    port = free_port()
    container = docker(
        "run", "--detach", "--network", "host", "--log-driver", "none",
        "--env", f"GUNICORN_CMD_ARGS=--bind 127.0.0.1:{port}",
        "--env", "FLASK_RUN_HOST=127.0.0.1", "--env", f"FLASK_RUN_PORT={port}",
        tag,
    )  # fmt: skip
    return container, f"http://127.0.0.1:{port}"


def wait_healthy(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"{url}/healthz did not answer 200 within {timeout:g} s")


def cold_start_s(tag: str) -> float:
    """Median time from `docker run` to the first 200 on /healthz."""
    samples = []
    for _ in range(COLD_STARTS):
        started = time.monotonic()
        container, url = start(tag)
        try:
            wait_healthy(url)
            samples.append(time.monotonic() - started)
        finally:
            docker("rm", "--force", container)
    return statistics.median(samples)


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if not match:
        raise ValueError(f"unexpected wrk duration {text!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> Result:
    def number(pattern: str) -> int:
        match = re.search(pattern, output)
        return int(match.group(1)) if match else 0

    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    errors += number(r"Non-2xx or 3xx responses: (\d+)")
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    if not (rps and p50 and p99):
        raise ValueError(f"could not read wrk's output:\n{output}")
    return {
        "rps": round(float(rps.group(1)), 1),
        "p50_ms": round(_ms(p50.group(1)), 3),
        "p99_ms": round(_ms(p99.group(1)), 3),
        "errors": errors,
    }


def wrk(url: str, connections: int, duration_s: int) -> Result:
    output = subprocess.run(
        ["wrk", "--threads", "1", "--connections", str(connections),
         "--duration", f"{duration_s}s", "--timeout", "5s", "--latency", f"{url}/"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return parse_wrk(output)


def measure(
    name: str, context: Path, dockerfile: Path, base: str, platform: str, duration_s: int
) -> Result:
    tag = f"hello-bench-{name}"
    log(f"{name}: building")
    build(tag, context, dockerfile, base, platform)
    touched = context / TOUCHED_FILE
    touched.write_text(touched.read_text() + f"\n# touched by bench at {time.time()}\n")
    log(f"{name}: rebuilding after a one-file source change")
    rebuild = build(tag, context, dockerfile, base, platform)
    size = image_bytes(tag)
    log(f"{name}: {COLD_STARTS} cold starts")
    cold = cold_start_s(tag)
    container, url = start(tag)
    try:
        wait_healthy(url)
        wrk(url, 8, 2)  # warm-up, not recorded
        load = {}
        for connections in CONNECTIONS:
            log(f"{name}: wrk, {connections} connections, {duration_s} s")
            load[str(connections)] = wrk(url, connections, duration_s)
    finally:
        docker("rm", "--force", container)
    headline = load[str(CONNECTIONS[0])]
    return {
        **headline,
        "errors": sum(run["errors"] for run in load.values()),
        "cold_start_s": round(cold, 3),
        "image_bytes": size,
        "added_bytes": size - image_bytes(base),
        "rebuild_s": round(rebuild, 2),
        "by_connections": load,
    }


# Each target: (label, check on (baseline, product), what the check asks).
Check = Callable[[Result, Result], bool]
TARGETS: list[tuple[str, Check, str]] = [
    ("throughput", lambda b, p: p["rps"] >= 2.5 * b["rps"], "product rps >= 2.5 x baseline"),
    ("p99 latency", lambda b, p: p["p99_ms"] <= 0.6 * b["p99_ms"], "product p99 <= 0.6 x baseline"),
    ("errors", lambda b, p: p["errors"] == 0, "product: 0 at 32 and 256 connections"),
    (
        "added bytes",
        lambda b, p: p["added_bytes"] <= 0.5 * b["added_bytes"],
        "product <= 0.5 x baseline",
    ),
    ("cold start", lambda b, p: p["cold_start_s"] < 2.0, "product < 2 s"),
    ("code-only rebuild", lambda b, p: p["rebuild_s"] < 15.0, "product < 15 s"),
]


def table(results: dict[str, Result]) -> str:
    baseline, product = results["baseline"], results["product"]
    rows = [("metric", "baseline", "product", "product/baseline")]

    def row(label: str, b: float, p: float, fmt: str) -> None:
        ratio = f"{p / b:.2f}x" if b else "-"
        rows.append((label, format(b, fmt), format(p, fmt), ratio))

    for connections in CONNECTIONS:
        b = baseline["by_connections"][str(connections)]
        p = product["by_connections"][str(connections)]
        row(f"rps @{connections}", b["rps"], p["rps"], ",.0f")
        row(f"p50 ms @{connections}", b["p50_ms"], p["p50_ms"], ".2f")
        row(f"p99 ms @{connections}", b["p99_ms"], p["p99_ms"], ".2f")
        row(f"errors @{connections}", b["errors"], p["errors"], "d")
    row("cold start s (median of 5)", baseline["cold_start_s"], product["cold_start_s"], ".2f")
    row("image MB", baseline["image_bytes"] / 1e6, product["image_bytes"] / 1e6, ".1f")
    row("added over base MB", baseline["added_bytes"] / 1e6, product["added_bytes"] / 1e6, ".1f")
    row("code-only rebuild s", baseline["rebuild_s"], product["rebuild_s"], ".1f")
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(cell.rjust(w) if i else cell.ljust(w) for i, (cell, w) in
                       enumerate(zip(r, widths, strict=True))) for r in rows]  # fmt: skip
    lines.insert(1, "  ".join("-" * w for w in widths))
    for label, check, target in TARGETS:
        verdict = "met" if check(baseline, product) else "MISSED"
        lines.append(f"target {label:<18} {target:<40} {verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", required=True, help="base image both images build on")
    parser.add_argument("--platform", default="linux/amd64")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per run")
    parser.add_argument("--output", type=Path, default=Path("build/bench/results.json"))
    args = parser.parse_args(argv)
    if args.duration < 10:
        parser.error("--duration must be at least 10 seconds")
    if not shutil.which("wrk"):
        parser.error("wrk is missing: apt-get install wrk")

    with tempfile.TemporaryDirectory(prefix="hello-bench-") as tmp:
        product_context = Path(tmp) / "product"
        shutil.copytree(SERVICE, product_context, ignore=shutil.ignore_patterns("__pycache__"))
        # The baseline sends the whole tree, as a first attempt without .dockerignore does.
        baseline_context = Path(tmp) / "baseline"
        shutil.copytree(SERVICE, baseline_context, ignore=shutil.ignore_patterns(".dockerignore"))
        results = {
            "baseline": measure(
                "baseline", baseline_context, HERE / "baseline.Dockerfile",
                args.base, args.platform, args.duration,
            ),
            "product": measure(
                "product", product_context, product_context / "Dockerfile",
                args.base, args.platform, args.duration,
            ),
        }  # fmt: skip

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print(f"bench: wrote {args.output}")
    baseline, product = results["baseline"], results["product"]
    missed = [label for label, check, _ in TARGETS if not check(baseline, product)]
    if missed:
        print(f"bench: targets missed: {', '.join(missed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
