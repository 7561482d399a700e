"""Asks the running service which revision it is: GET <url>/version until it names the SHA."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import requests

from hello_release.errors import ReleaseError
from hello_release.names import resource
from hello_release.wait import poll

if TYPE_CHECKING:
    from mypy_boto3_elbv2 import ElasticLoadBalancingv2Client


def alb_url(elbv2: ElasticLoadBalancingv2Client, acm: Any, env: str) -> str:
    """The service URL: https://<domain> when the ALB has an HTTPS (443) listener, the domain
    being its default certificate's; else http://<ALB DNS name> (an environment without one).
    `acm` is an ACM client (typed Any: the project's stubs do not cover ACM)."""
    name = resource(env)
    try:
        found = elbv2.describe_load_balancers(Names=[name])["LoadBalancers"][0]
    except elbv2.exceptions.LoadBalancerNotFoundException:
        raise ReleaseError(f"no load balancer named {name}") from None
    listeners = elbv2.describe_listeners(LoadBalancerArn=found.get("LoadBalancerArn", ""))
    https = [item for item in listeners["Listeners"] if item.get("Port") == 443]
    if not https:
        return f"http://{found.get('DNSName', '')}"
    certificates = https[0].get("Certificates", [])
    default = [c for c in certificates if c.get("IsDefault")] or certificates
    if not default:
        raise ReleaseError(f"the HTTPS listener of {name} has no certificate")
    certificate = acm.describe_certificate(CertificateArn=default[0].get("CertificateArn", ""))
    return f"https://{certificate['Certificate']['DomainName']}"


def _answer(url: str) -> tuple[str | None, str]:
    """The revision the service reports (None if it did not) and a line describing the answer."""
    try:
        response = requests.get(url, timeout=5)
    except requests.RequestException as error:
        return None, f"no answer ({type(error).__name__})"
    try:
        body = response.json()
    except ValueError:
        return None, f"HTTP {response.status_code}, not JSON: {response.text[:80]!r}"
    revision = body.get("revision") if isinstance(body, dict) else None
    if response.status_code != 200 or not isinstance(revision, str):
        return None, f"HTTP {response.status_code}: {body}"
    return revision, f"HTTP 200, revision {revision}"


def verify(base_url: str, sha: str, *, timeout: float, interval: float) -> None:
    url = base_url.rstrip("/") + "/version"
    last = "no answer yet"

    def reports_sha(elapsed: float) -> bool:
        nonlocal last
        revision, last = _answer(url)
        print(f"[{elapsed:4.0f}s] {url}: {last}", flush=True)
        return revision == sha

    if not poll(reports_sha, timeout=timeout, interval=interval):
        raise ReleaseError(f"{url} did not report {sha} within {timeout:g} s; last answer: {last}")
    print(f"{url} reports {sha}", flush=True)
