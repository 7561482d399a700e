"""verify: polls <url>/version of a real HTTP server until it reports the SHA."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import pytest

from hello_release.verify import alb_url

from .conftest import SHA_A, SHA_B, Platform, Run, assert_refused


class VersionServer:
    """Answers GET /version with the next of `answers` (the last one repeats)."""

    def __init__(self) -> None:
        self.answers: list[tuple[int, str]] = []
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests.append(self.path)
                status, body = outer.answers[0] if len(outer.answers) == 1 else outer.answers.pop(0)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def version(self, sha: str) -> tuple[int, str]:
        return 200, json.dumps({"service": "hello", "version": "1.0.0", "revision": sha})


@pytest.fixture
def server() -> Iterator[VersionServer]:
    served = VersionServer()
    thread = threading.Thread(target=served.server.serve_forever, daemon=True)
    thread.start()
    yield served
    served.server.shutdown()
    served.server.server_close()


def test_waits_until_the_new_revision_answers(server: VersionServer, run: Run) -> None:
    server.answers = [(503, "starting"), server.version(SHA_B), server.version(SHA_A)]

    result = run("verify", "--url", server.url + "/", "--sha", SHA_A, "--poll-interval", "0.01")

    assert result.code == 0, result.err
    assert server.requests == ["/version"] * 3
    lines = result.out.splitlines()
    assert "HTTP 503, not JSON: 'starting'" in lines[0]
    assert f"HTTP 200, revision {SHA_B}" in lines[1]
    assert f"HTTP 200, revision {SHA_A}" in lines[2]
    assert lines[3] == f"{server.url}/version reports {SHA_A}"


def test_times_out_showing_the_last_answer(server: VersionServer, run: Run) -> None:
    server.answers = [server.version(SHA_B)]

    result = run(
        "verify", "--url", server.url, "--sha", SHA_A, "--timeout", "0.3", "--poll-interval", "0.1"
    )

    assert_refused(
        result,
        f"{server.url}/version did not report {SHA_A} within 0.3 s;"
        f" last answer: HTTP 200, revision {SHA_B}",
    )
    assert len(server.requests) >= 3


def test_json_without_a_revision_is_not_an_answer(server: VersionServer, run: Run) -> None:
    server.answers = [(404, '{"error": "not found"}')]

    result = run("verify", "--url", server.url, "--sha", SHA_A, "--timeout", "0")

    assert result.code == 1
    assert "last answer: HTTP 404: {'error': 'not found'}" in result.err


def test_nothing_listening(run: Run) -> None:
    result = run("verify", "--url", "http://127.0.0.1:9", "--sha", SHA_A, "--timeout", "0")

    assert result.code == 1
    assert "last answer: no answer (ConnectionError)" in result.err


def _alb(elbv2: Any) -> dict[str, Any]:
    found: dict[str, Any] = elbv2.describe_load_balancers(Names=["hello-dev"])["LoadBalancers"][0]
    return found


def _listener(elbv2: Any, port: int, **extra: Any) -> None:
    elbv2.create_listener(
        LoadBalancerArn=_alb(elbv2)["LoadBalancerArn"],
        Port=port,
        DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}],
        **extra,
    )


def test_env_without_https_is_the_alb_over_http(alb: Any) -> None:
    _listener(alb, 80, Protocol="HTTP")

    assert alb_url(alb, boto3.client("acm"), "dev") == f"http://{_alb(alb)['DNSName']}"


def test_env_with_https_is_the_certificate_domain(alb: Any) -> None:
    acm = boto3.client("acm")
    certificate = acm.request_certificate(
        DomainName="dev.hello.example.com", ValidationMethod="DNS"
    )["CertificateArn"]
    _listener(alb, 80, Protocol="HTTP")
    _listener(alb, 443, Protocol="HTTPS", Certificates=[{"CertificateArn": certificate}])

    assert alb_url(alb, acm, "dev") == "https://dev.hello.example.com"


def test_verify_env_says_which_url_it_checks(alb: Any, run: Run) -> None:
    _listener(alb, 80, Protocol="HTTP")

    result = run("verify", "--env", "dev", "--sha", SHA_A, "--timeout", "0")

    assert result.out.splitlines()[0] == f"the service URL of dev is http://{_alb(alb)['DNSName']}"


def test_env_without_an_alb(platform: Platform, run: Run) -> None:
    result = run("verify", "--env", "prod", "--sha", SHA_A)

    assert_refused(result, "no load balancer named hello-prod")
