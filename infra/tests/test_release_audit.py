"""The release-audit rules watch every UpdateService field a release never sends: the
fields of botocore's model of the ECS API (the SDK the release tool calls it with), less
the ones the release tool's own call passes, against the patterns as OpenTofu computes
them (infra/modules/release-audit-patterns)."""

from __future__ import annotations

import ast
import json

import botocore.session

from tools.policy_documents import outputs
from tools.project import ROOT

ECS = ROOT / "infra" / "release" / "src" / "hello_release" / "ecs.py"
PATTERNS = ("update_service_pattern", "update_service_settings_pattern")


def release_update_fields() -> set[str]:
    """The keyword arguments of every `update_service(...)` call in hello_release/ecs.py."""
    calls = [
        node
        for node in ast.walk(ast.parse(ECS.read_text()))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "update_service"
    ]
    assert calls, "the release tool's UpdateService call was not found"
    return {keyword.arg for call in calls for keyword in call.keywords if keyword.arg}


def watched_fields() -> set[str]:
    patterns = outputs("release-audit-patterns", {
        "image_repository_url": "222222222222.dkr.ecr.us-east-1.amazonaws.com/hello-prod",
        "task_family": "hello-prod",
        "service_name": "hello-prod",
    })  # fmt: skip
    return {
        field
        for name in PATTERNS
        for alternative in json.loads(patterns[name])["detail"]["requestParameters"]["$or"]
        for field in alternative
    }


def test_every_update_service_field_a_release_never_sends_alerts_and_no_field_it_sends() -> None:
    model = botocore.session.get_session().get_service_model("ecs")
    request = model.operation_model("UpdateService").input_shape
    assert request is not None
    fields = set(request.members)
    sent, watched = release_update_fields(), watched_fields()
    assert sent == {"cluster", "service", "taskDefinition"}
    assert fields - sent <= watched, f"not watched: {sorted(fields - sent - watched)}"
    assert not sent & watched
