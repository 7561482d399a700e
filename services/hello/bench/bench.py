"""Measures the product image against a naive baseline and against its stack's ceiling.

Three servers run side by side on the host network: the baseline (bench/baseline.Dockerfile),
the product image, and the ceiling: the product image and its gunicorn configuration serving
a bare WSGI callable (bench/ceiling.py). Each is warmed up, then load comes in short rounds
that take turns (baseline, product, ceiling, baseline, ...) at each connection count. Ratios
are taken within a round, so a noisy moment on a shared machine moves one round, and the
targets are judged on the medians over all rounds.

Run through `nox -s bench`: it prints a table and writes every round and the summary to
build/bench/results.json. Load comes from wrk on loopback.
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
from pathlib import Path
from typing import Any

import requests

HERE = Path(__file__).parent
SERVICE = HERE.parent
SERVERS = ("baseline", "product", "ceiling")  # the order each round runs them in
CONNECTIONS = (32, 256)
WARM_UP_S = 2
COLD_STARTS = 5
TOUCHED_FILE = Path("src/hello/app.py")
CEILING = ["gunicorn", "--config", "/app/gunicorn.conf.py", "ceiling:app"]
GREETING = "Hello, World"

# The targets, judged on the medians over the rounds (and on the images).
MIN_SPEEDUP = 2.5  # product rps / baseline rps
MAX_P99_SHARE = 0.6  # product p99 / baseline p99
MIN_CEILING_SHARE = 0.8  # product rps / ceiling rps
MAX_ADDED_SHARE = 0.5  # bytes the product adds to the base / bytes the baseline adds
MAX_COLD_START_S = 2.0
MAX_REBUILD_S = 15.0

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


def start(tag: str, *command: str, mounts: tuple[str, ...] = ()) -> tuple[str, str]:
    """Runs the image on the host's network, listening on loopback only.

    Host networking keeps Docker's userland port proxy out of the measurement, and no
    log driver keeps out dockerd's copying of every log line (every server still writes
    one per request): on a two-core machine those took about half a core, which caps
    the server that can use both cores but not the one the GIL holds to one.
    Each image reads its own variables and ignores the other's.
    """
    port = free_port()
    container = docker(
        "run", "--detach", "--network", "host", "--log-driver", "none",
        "--env", f"GUNICORN_CMD_ARGS=--bind 127.0.0.1:{port}",
        "--env", "FLASK_RUN_HOST=127.0.0.1", "--env", f"FLASK_RUN_PORT={port}",
        *(arg for mount in mounts for arg in ("--volume", mount)),
        tag, *command,
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
    requests_done = re.search(r"(\d+) requests in", output)
    if not (rps and p50 and p99 and requests_done):
        raise ValueError(f"could not read wrk's output:\n{output}")
    if int(requests_done.group(1)) == 0:
        raise ValueError(f"no request was answered:\n{output}")
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


def describe_image(name: str, context: Path, dockerfile: Path, base: str, platform: str) -> Result:
    """Builds the image, rebuilds it after a one-file change, and times its cold starts."""
    tag = f"hello-bench-{name}"
    log(f"{name}: building")
    build(tag, context, dockerfile, base, platform)
    touched = context / TOUCHED_FILE
    touched.write_text(touched.read_text() + f"\n# touched by bench at {time.time()}\n")
    log(f"{name}: rebuilding after a one-file source change")
    rebuild = build(tag, context, dockerfile, base, platform)
    size = image_bytes(tag)
    log(f"{name}: {COLD_STARTS} cold starts")
    return {
        "tag": tag,
        "cold_start_s": round(cold_start_s(tag), 3),
        "image_bytes": size,
        "added_bytes": size - image_bytes(base),
        "rebuild_s": round(rebuild, 2),
    }


def check_greeting(name: str, url: str) -> None:
    """A server that does not answer what the product answers would measure nothing."""
    response = requests.get(f"{url}/", timeout=5)
    if response.status_code != 200 or response.text != GREETING:
        raise RuntimeError(f"{name} answered {response.status_code} {response.text[:80]!r} on /")


def run_rounds(urls: dict[str, str], rounds: int, duration_s: int) -> list[Result]:
    """Warms every server up, then takes turns between them, round after round."""
    for name, url in urls.items():
        check_greeting(name, url)
        log(f"{name}: warming up ({WARM_UP_S} s at each connection count, not recorded)")
        for connections in CONNECTIONS:
            wrk(url, connections, WARM_UP_S)
    results = []
    for number in range(1, rounds + 1):
        for connections in CONNECTIONS:
            entry: Result = {"round": number, "connections": connections}
            for name, url in urls.items():
                entry[name] = wrk(url, connections, duration_s)
            results.append(entry)
            rps = ", ".join(f"{name} {entry[name]['rps']:,.0f}" for name in urls)
            log(f"round {number}/{rounds} @{connections}: rps {rps}")
    return results


# Each ratio: (numerator server, denominator server, metric), taken within one round.
RATIOS = {
    "rps product/baseline": ("product", "baseline", "rps"),
    "p99 product/baseline": ("product", "baseline", "p99_ms"),
    "rps product/ceiling": ("product", "ceiling", "rps"),
}
METRICS = ("rps", "p50_ms", "p99_ms")


def spread(values: list[float]) -> Result:
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }


def summarise(rounds: list[Result]) -> Result:
    """Per connection count: each server's metrics and each ratio, as median, min and max."""
    summary: Result = {}
    for connections in CONNECTIONS:
        runs = [entry for entry in rounds if entry["connections"] == connections]
        servers = {
            name: {
                **{metric: spread([run[name][metric] for run in runs]) for metric in METRICS},
                "errors": sum(run[name]["errors"] for run in runs),
            }
            for name in SERVERS
        }
        ratios = {
            label: spread([run[top][metric] / run[bottom][metric] for run in runs])
            for label, (top, bottom, metric) in RATIOS.items()
        }
        summary[str(connections)] = {"rounds": len(runs), "servers": servers, "ratios": ratios}
    return summary


def verdicts(summary: Result, images: Result) -> list[Result]:
    """Every target with the value it was judged on and whether it was met."""

    def verdict(label: str, target: str, value: str, met: bool) -> Result:
        return {"target": label, "wanted": target, "value": value, "met": met}

    found = []
    for connections in CONNECTIONS:
        at = summary[str(connections)]
        ratios = {label: at["ratios"][label]["median"] for label in RATIOS}
        speedup, p99, ceiling = (ratios[label] for label in RATIOS)
        errors = at["servers"]["product"]["errors"]
        found += [
            verdict(f"throughput @{connections}", f"median product/baseline rps >= "
                    f"{MIN_SPEEDUP}x", f"{speedup:.2f}x", speedup >= MIN_SPEEDUP),
            verdict(f"p99 latency @{connections}", f"median product/baseline p99 <= "
                    f"{MAX_P99_SHARE}x", f"{p99:.2f}x", p99 <= MAX_P99_SHARE),
            verdict(f"ceiling @{connections}", f"median product/ceiling rps >= "
                    f"{MIN_CEILING_SHARE:.2f}", f"{ceiling:.2f}", ceiling >= MIN_CEILING_SHARE),
            verdict(f"errors @{connections}", "product: 0 in every round", str(errors),
                    errors == 0),
        ]  # fmt: skip
    product, baseline = images["product"], images["baseline"]
    added = product["added_bytes"] / baseline["added_bytes"]
    cold, rebuild = product["cold_start_s"], product["rebuild_s"]
    return [
        *found,
        verdict("added bytes", f"product <= {MAX_ADDED_SHARE}x baseline", f"{added:.2f}x",
                added <= MAX_ADDED_SHARE),
        verdict("cold start", f"product median of {COLD_STARTS} < {MAX_COLD_START_S:g} s",
                f"{cold:.2f} s", cold < MAX_COLD_START_S),
        verdict("code-only rebuild", f"product < {MAX_REBUILD_S:g} s", f"{rebuild:.1f} s",
                rebuild < MAX_REBUILD_S),
    ]  # fmt: skip


def columns(rows: list[tuple[str, ...]]) -> list[str]:
    """Left-aligns the first column, right-aligns the rest, and rules off the header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.rjust(width) if i else cell.ljust(width) for i, (cell, width) in
                       enumerate(zip(row, widths, strict=True))) for row in rows]  # fmt: skip
    lines.insert(1, "  ".join("-" * width for width in widths))
    return lines


def table(results: Result) -> str:
    settings, summary, images = results["settings"], results["summary"], results["images"]

    def cell(values: Result, fmt: str, suffix: str = "") -> str:
        low, high = format(values["min"], fmt), format(values["max"], fmt)
        return f"{format(values['median'], fmt)}{suffix} ({low}-{high})"

    load: list[tuple[str, ...]] = [("server @connections", "rps", "p50 ms", "p99 ms", "errors")]
    ratios: list[tuple[str, ...]] = [("ratio @connections", "median", "min", "max")]
    for connections in CONNECTIONS:
        at = summary[str(connections)]
        for name in SERVERS:
            server = at["servers"][name]
            load.append((f"{name} @{connections}", cell(server["rps"], ",.0f"),
                         cell(server["p50_ms"], ".2f"), cell(server["p99_ms"], ".2f"),
                         str(server["errors"])))  # fmt: skip
        for label, values in at["ratios"].items():
            shown = (f"{values[key]:.2f}x" for key in ("median", "min", "max"))
            ratios.append((f"{label} @{connections}", *shown))
    baseline, product = images["baseline"], images["product"]
    sizes: list[tuple[str, ...]] = [("image", "baseline", "product", "product/baseline")]
    for label, key, scale, fmt in [
        (f"cold start s (median of {COLD_STARTS})", "cold_start_s", 1.0, ".2f"),
        ("image MB", "image_bytes", 1e6, ".1f"),
        ("added over base MB", "added_bytes", 1e6, ".1f"),
        ("code-only rebuild s", "rebuild_s", 1.0, ".1f"),
    ]:
        b, p = baseline[key] / scale, product[key] / scale
        sizes.append((label, format(b, fmt), format(p, fmt), f"{p / b:.2f}x" if b else "-"))
    lines = [
        f"load: {settings['rounds']} rounds of {settings['duration_s']} s per server and "
        "connection count, taking turns; median (min-max) over the rounds",
        *columns(load), "", *columns(ratios), "", *columns(sizes), "",
    ]  # fmt: skip
    for found in results["targets"]:
        verdict = "met" if found["met"] else "MISSED"
        lines.append(f"target {found['target']:<18} {found['wanted']:<40} "
                     f"{found['value']:>8}  {verdict}")  # fmt: skip
    return "\n".join(lines)


def measure(args: argparse.Namespace, tmp: Path) -> Result:
    product_context = tmp / "product"
    shutil.copytree(SERVICE, product_context, ignore=shutil.ignore_patterns("__pycache__"))
    # The baseline sends the whole tree, as a first attempt without .dockerignore does.
    baseline_context = tmp / "baseline"
    shutil.copytree(SERVICE, baseline_context, ignore=shutil.ignore_patterns(".dockerignore"))
    images = {
        "baseline": describe_image(
            "baseline", baseline_context, HERE / "baseline.Dockerfile", args.base, args.platform
        ),
        "product": describe_image(
            "product", product_context, product_context / "Dockerfile", args.base, args.platform
        ),
    }
    ceiling_mount = f"{(HERE / 'ceiling.py').resolve()}:/app/ceiling.py:ro"
    containers: list[str] = []
    try:
        urls = {}
        for name, command, mounts in [
            ("baseline", (), ()), ("product", (), ()), ("ceiling", CEILING, (ceiling_mount,)),
        ]:  # fmt: skip
            tag = images["product" if name == "ceiling" else name]["tag"]
            container, urls[name] = start(tag, *command, mounts=mounts)
            containers.append(container)
            wait_healthy(urls[name])
        rounds = run_rounds(urls, args.rounds, args.duration)
    finally:
        for container in containers:
            docker("rm", "--force", container)
    summary = summarise(rounds)
    return {
        "settings": {
            "rounds": args.rounds,
            "duration_s": args.duration,
            "connections": list(CONNECTIONS),
        },
        "images": images,
        "summary": summary,
        "targets": verdicts(summary, images),
        "rounds": rounds,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", required=True, help="base image both images build on")
    parser.add_argument("--platform", default="linux/amd64")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of load (at least 3)")
    parser.add_argument("--duration", type=int, default=5, help="seconds of load per run")
    parser.add_argument("--output", type=Path, default=Path("build/bench/results.json"))
    args = parser.parse_args(argv)
    if args.rounds < 3:
        parser.error("--rounds must be at least 3: a median of fewer says little")
    if args.duration < 3:
        parser.error("--duration must be at least 3 seconds")
    if not shutil.which("wrk"):
        parser.error("wrk is missing: apt-get install wrk")

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="hello-bench-") as tmp:
        results = measure(args, Path(tmp))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    minutes, seconds = divmod(round(time.monotonic() - started), 60)
    print(f"bench: wrote {args.output}; took {minutes} min {seconds} s")
    missed = [found["target"] for found in results["targets"] if not found["met"]]
    if missed:
        print(f"bench: targets missed: {', '.join(missed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
