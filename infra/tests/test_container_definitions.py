"""The container definition the ecs-container-definitions module computes is a request
ECS accepts: botocore's model of RegisterTaskDefinition (the SDK the release tool copies
it with) validates every key and type, linuxParameters included."""

from __future__ import annotations

import json

import botocore.session
from botocore.validate import ParamValidator

from tools.policy_documents import outputs


def test_the_container_definition_is_one_register_task_definition_accepts() -> None:
    computed = outputs("ecs-container-definitions", {
        "container_name": "web",
        "image": "111111111111.dkr.ecr.us-east-1.amazonaws.com/web@sha256:" + "0" * 64,
        "container_port": 8000,
        "health_check_path": "/healthz",
        "stop_timeout": 30,
        "log_group_name": "/ecs/web-dev",
        "log_region": "us-east-1",
    })  # fmt: skip
    containers = json.loads(computed["container_definitions"])
    model = botocore.session.get_session().get_service_model("ecs")
    request = model.operation_model("RegisterTaskDefinition").input_shape
    assert request is not None
    report = ParamValidator().validate(
        {"family": "web-dev", "containerDefinitions": containers}, request
    )
    assert not report.has_errors(), report.generate_report()
    assert containers[0]["linuxParameters"] == {
        "capabilities": {"drop": ["ALL"]},
        "initProcessEnabled": True,
    }
