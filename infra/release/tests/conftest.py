"""A moto-backed AWS with the platform Terraform would create, and ECS's scheduler played by hand.

moto answers the release tool's ECS/ECR/ELBv2/STS calls for real, but it does not run ECS's
control plane: tasks never start, and `update_service` switches the service's task definition
while its one PRIMARY deployment keeps pointing at the old revision. `EcsScheduler` is the one
place that moves moto's backend state the way ECS would between two polls of the tool.
Nor does moto answer ECR's GetDownloadUrlForLayer: `LayerDownloads` is the one place that
plays the storage behind it.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal

import boto3
import pytest
from moto import mock_aws
from moto.backends import get_backend
from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult
from moto.ecr.responses import ECRResponse

from hello_release import cli, soak, wait
from hello_release.lock import HOLDER_VARIABLES

ACCOUNT = "123456789012"  # moto's default account
REGION = "eu-west-1"
# The commits of the git repository `history` builds (fixed names and dates make them stable):
# ROOT <- SHA_A <- SHA_B on main, and SHA_C on a side branch from SHA_A.
SHA_ROOT = "5f00aae5e2a951accc9f970e9d7563a9d09c12d4"
SHA_A = "d3da9d0ff8ce04e7f41c3d37e504e429afe0b290"
SHA_B = "cbfaf3a63171f178f0eca92eaa503eb2c15309db"
SHA_C = "12d4aff7d68bd55e8683e92ef8821dee65483f70"
DESIRED = 2
# The state bucket, which holds the environment locks and the last applied commits.
STATE_BUCKET = "hello-platform-tfstate-123456789012"
# What GitHub Actions sets besides a run's own variables (HOLDER_VARIABLES).
GITHUB_SERVER = {
    "GITHUB_SERVER_URL": "https://github.com",
    "GITHUB_REPOSITORY": "example-org/hello",
}

Outcome = Literal["complete", "circuit-breaker", "alarm-rollback", "stuck"]
# The wall clock the scheduler keeps (deployment times; promote's soak reads it).
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
# What ECS writes in a failed deployment's rolloutStateReason, per safety net.
ROLLBACK_REASONS = {
    "circuit-breaker": "ECS deployment circuit breaker: tasks failed to start.",
    "alarm-rollback": "ECS deployment {id} failed: alarm(s) detected.",
}


class EcsScheduler:
    """Plays ECS's deployment scheduler on moto's backend, one step per poll of the tool.

    A step after `update_service` starts an IN_PROGRESS deployment of the new revision; the
    next steps apply `outcome`: "complete" (all new tasks running while the old deployment
    drains, then the old deployment gone), "circuit-breaker" or "alarm-rollback" (that safety
    net marks the deployment FAILED, with ECS's reason, and rolls the service back) or "stuck"
    (nothing more happens). An alarm rollback needs an alarm in ALARM: the test sets one.
    `hooks` are changes other people make between two polls.
    It also provides the clocks the tool reads (`monotonic`, `wall`), so waits pass instantly.
    """

    def __init__(self) -> None:
        self.outcome: Outcome = "complete"
        self.now = 0.0
        # What other people do to the service between two polls (run before the step).
        self.hooks: list[Callable[[], object]] = []

    def monotonic(self) -> float:
        return self.now

    def wall(self) -> datetime:
        return EPOCH + timedelta(seconds=self.now)

    def advance(self, *, minutes: float) -> None:
        """Time passes without anyone polling (ECS has nothing left to do)."""
        self.now += minutes * 60

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        for hook in self.hooks:
            hook()
        for service in _ecs_backend().services.values():
            self._step(service)

    @staticmethod
    def set_deployment_alarms(env: str, names: list[str]) -> None:
        """What Terraform's `alarms {}` block sets on the service: moto 5's create_service
        drops deploymentConfiguration, so it goes into the backend's state."""
        service = _ecs_backend().services[f"hello-{env}:hello-{env}"]
        service.deployment_configuration = {
            "alarms": {"alarmNames": names, "enable": True, "rollback": True}
        }

    def _step(self, service: Any) -> None:
        primary = service.deployments[0]
        desired = service.desired_count
        if primary["taskDefinition"] != service.task_definition:
            primary.update(status="ACTIVE")
            service.deployments = [
                self._deployment(service.task_definition, "IN_PROGRESS", 0, desired),
                primary,
            ]
        elif self.outcome == "stuck":
            return
        elif primary["rolloutState"] == "COMPLETED":
            # The replaced tasks have stopped: ECS drops the deployments it replaced.
            service.deployments = [primary]
        elif self.outcome == "complete":
            # All new tasks are healthy; the old deployment drains until the next step.
            primary.update(
                rolloutState="COMPLETED",
                runningCount=desired,
                pendingCount=0,
                updatedAt=self.wall(),
            )
            for replaced in service.deployments[1:]:
                replaced.update(runningCount=0)
            service.running_count = desired
        else:
            previous = service.deployments[1]["taskDefinition"]
            primary.update(
                status="ACTIVE",
                rolloutState="FAILED",
                rolloutStateReason=ROLLBACK_REASONS[self.outcome].format(id=primary["id"]),
                updatedAt=self.wall(),
            )
            service.task_definition = previous
            service.deployments = [
                self._deployment(previous, "COMPLETED", desired, desired),
                primary,
            ]

    def _deployment(
        self, task_definition: str, state: str, running: int, desired: int
    ) -> dict[str, Any]:
        return {
            "id": f"ecs-svc/{hashlib.sha256(task_definition.encode()).hexdigest()[:12]}",
            "status": "PRIMARY",
            "taskDefinition": task_definition,
            "rolloutState": state,
            "rolloutStateReason": f"ECS deployment {state.lower()}.",
            "runningCount": running,
            "pendingCount": desired - running,
            "desiredCount": desired,
            "failedTasks": 0,
            "launchType": "FARGATE",
            "createdAt": self.wall(),
            "updatedAt": self.wall(),
        }


def _ecs_backend() -> Any:
    return get_backend("ecs")[ACCOUNT][REGION]


class LayersNotFound(ServiceException):
    code = "LayersNotFoundException"


class LayerDownloads:
    """Plays the storage behind ECR's GetDownloadUrlForLayer, which moto does not implement.

    ECR answers it with a presigned URL of the blob; here a local HTTP server serves the bytes
    a test uploaded, and the patched call answers with its URL for a blob moto's backend lists
    in the repository (moto keeps the size of uploaded blobs, not their bytes).
    """

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.served: list[str] = []
        blobs, served = self.blobs, self.served

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = blobs.get(self.path.lstrip("/"))
                served.append(self.path.lstrip("/"))
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, response: ECRResponse) -> ActionResult:
        name, blob = response._get_param("repositoryName"), response._get_param("layerDigest")
        if blob not in response.ecr_backend.repositories[name].layers:
            raise LayersNotFound(f"The layer {blob} does not exist in the repository {name}")
        url = f"http://127.0.0.1:{self.server.server_port}/{blob}"
        return ActionResult({"downloadUrl": url, "layerDigest": blob})

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def upload_blob(ecr: Any, repository: str, content: bytes) -> str:
    """Uploads `content` as a blob of `repository` with ECR's layer API; returns its digest."""
    upload_id = ecr.initiate_layer_upload(repositoryName=repository)["uploadId"]
    ecr.upload_layer_part(
        repositoryName=repository,
        uploadId=upload_id,
        partFirstByte=0,
        partLastByte=len(content) - 1,
        layerPartBlob=content,
    )
    digest = "sha256:" + hashlib.sha256(content).hexdigest()
    done = ecr.complete_layer_upload(
        repositoryName=repository, uploadId=upload_id, layerDigests=[digest]
    )
    assert done["layerDigest"] == digest
    return digest


def digest_of(content: str) -> str:
    """The digest moto's ECR gives `Platform.push(sha, content)`: sha256 of its layer digest."""
    layer = "sha256:" + hashlib.sha256(content.encode()).hexdigest()
    return "sha256:" + hashlib.sha256(layer.encode()).hexdigest()


@dataclass
class Platform:
    """The AWS side as Terraform leaves it: ECR repo, clusters, services on a first revision.

    The services get no network configuration: the tool never reads it, and leaving it out
    spares each test the start of moto's EC2 (about a second here). `alb` adds the ALB.
    """

    ecs: Any
    ecr: Any
    scheduler: EcsScheduler
    downloads: LayerDownloads
    repository_uri: str
    prod_repository_uri: str
    manifests: dict[str, str] = field(default_factory=dict)

    def push(self, sha: str, content: str | None = None) -> str:
        """Pushes an image tagged `sha` into the build repository whose one blob (`content`,
        by default the SHA) is both its config and its layer, and returns its digest; the
        config digest is sha256 of `content`."""
        digest = self.push_blobs(sha, [(content or sha).encode()])
        assert digest == digest_of(content or sha)
        return digest

    def push_blobs(self, sha: str, blobs: list[bytes]) -> str:
        """Pushes an image tagged `sha` whose config is the first of `blobs` and whose layers
        are all of them, each uploaded first, and returns its digest."""
        digests = [upload_blob(self.ecr, "hello", blob) for blob in blobs]
        self.downloads.blobs.update(zip(digests, blobs, strict=True))
        layer_type = "application/vnd.docker.image.rootfs.diff.tar.gzip"
        text = json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                "config": {
                    "mediaType": "application/vnd.docker.container.image.v1+json",
                    "size": len(blobs[0]),
                    "digest": digests[0],
                },
                "layers": [
                    {"mediaType": layer_type, "size": len(blob), "digest": digest}
                    for blob, digest in zip(blobs, digests, strict=True)
                ],
            }
        )
        image = self.ecr.put_image(repositoryName="hello", imageManifest=text, imageTag=sha)
        digest: str = image["image"]["imageId"]["imageDigest"]
        self.manifests[digest] = text
        return digest

    def prod_images(self) -> dict[str, str]:
        """What prod's own repository holds: each image's digest and its manifest."""
        ids = self.ecr.list_images(repositoryName="hello-prod")["imageIds"]
        if not ids:
            return {}
        found = self.ecr.batch_get_image(repositoryName="hello-prod", imageIds=ids)["images"]
        return {image["imageId"]["imageDigest"]: image["imageManifest"] for image in found}

    def prod_tags(self) -> list[str]:
        """Every tag of prod's own repository (a release writes none)."""
        images = self.ecr.describe_images(repositoryName="hello-prod")["imageDetails"]
        return [tag for image in images for tag in image.get("imageTags", [])]

    @staticmethod
    def ecs_backend() -> Any:
        """moto's ECS state, for tests that play what ECS does (see EcsScheduler)."""
        return _ecs_backend()

    def service(self, env: str) -> dict[str, Any]:
        found: dict[str, Any] = self.ecs.describe_services(
            cluster=f"hello-{env}", services=[f"hello-{env}"]
        )["services"][0]
        return found

    def revision(self, name: str) -> tuple[dict[str, Any], dict[str, str]]:
        found = self.ecs.describe_task_definition(taskDefinition=name, include=["TAGS"])
        return found["taskDefinition"], {t["key"]: t["value"] for t in found.get("tags", [])}

    def assert_untouched(self, env: str) -> None:
        """`env` has only the revision Terraform registered, and its service runs it."""
        first = f"hello-{env}:1"
        assert self.revisions(env) == [first]
        assert self.service(env)["taskDefinition"].endswith(first)

    def revisions(self, env: str) -> list[str]:
        arns: list[str] = self.ecs.list_task_definitions(familyPrefix=f"hello-{env}")[
            "taskDefinitionArns"
        ]
        return sorted(arn.rsplit("/", 1)[1] for arn in arns)


def git(repo: Path, *args: str) -> str:
    """Runs git in `repo` with a fixed identity and date and no user configuration."""
    fixed = {
        **{f"GIT_{who}_NAME": "hello" for who in ("AUTHOR", "COMMITTER")},
        **{f"GIT_{who}_EMAIL": "hello@example.com" for who in ("AUTHOR", "COMMITTER")},
        **{f"GIT_{who}_DATE": "2026-01-01T00:00:00Z" for who in ("AUTHOR", "COMMITTER")},
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(
        ["git", "-C", str(repo), *args],
        env={**os.environ, **fixed},
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


@pytest.fixture(scope="session")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real git repository with the commits SHA_ROOT, SHA_A, SHA_B (main) and SHA_C (side)."""
    repo = tmp_path_factory.mktemp("history")
    git(repo, "init", "-q", "-b", "main")
    made = []
    for message in ("root", "a", "b"):
        git(repo, "commit", "-q", "--allow-empty", "-m", message)
        made.append(git(repo, "rev-parse", "HEAD"))
    git(repo, "checkout", "-q", "-b", "side", made[1])
    git(repo, "commit", "-q", "--allow-empty", "-m", "c")
    made.append(git(repo, "rev-parse", "HEAD"))
    assert made == [SHA_ROOT, SHA_A, SHA_B, SHA_C]
    return repo


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, history: Path) -> None:
    for name in ("GITHUB_OUTPUT", "HELLO_ECR_REGISTRY_ID", "HELLO_DEV_ROLE_ARN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    # The tool reads git history from the checkout; here the test repository.
    monkeypatch.setenv("HELLO_REPO_DIR", str(history))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    # The one region variable boto3 reads (docs/runbooks/deploy.md).
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.delenv("AWS_REGION", raising=False)


@pytest.fixture
def outside_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    """No run and no state bucket unless a test says so (the tests may run inside Actions)."""
    for name in [*HOLDER_VARIABLES.values(), *GITHUB_SERVER, "GITHUB_RUN_ID", "HELLO_STATE_BUCKET"]:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def s3() -> Iterator[Any]:
    """The state bucket on moto's S3 as bootstrap creates it: versioned, so a released lock
    leaves a delete marker behind."""
    with mock_aws():
        client = boto3.client("s3")
        client.create_bucket(
            Bucket=STATE_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        client.put_bucket_versioning(
            Bucket=STATE_BUCKET, VersioningConfiguration={"Status": "Enabled"}
        )
        yield client


@pytest.fixture
def scheduler(monkeypatch: pytest.MonkeyPatch) -> EcsScheduler:
    played = EcsScheduler()
    monkeypatch.setattr(wait, "sleep", played.sleep)
    monkeypatch.setattr(wait, "monotonic", played.monotonic)
    monkeypatch.setattr(soak, "now", played.wall)
    return played


@pytest.fixture
def platform(monkeypatch: pytest.MonkeyPatch, scheduler: EcsScheduler) -> Iterator[Platform]:
    downloads = LayerDownloads()

    def get_download_url_for_layer(response: ECRResponse) -> ActionResult:
        return downloads.answer(response)

    # moto finds an action among its response class's functions, so a function it must be.
    monkeypatch.setattr(ECRResponse, "get_download_url_for_layer", get_download_url_for_layer)
    with mock_aws():
        ecr = boto3.client("ecr")
        uri, prod_uri = (
            ecr.create_repository(repositoryName=name, imageTagMutability="IMMUTABLE")[
                "repository"
            ]["repositoryUri"]
            for name in ("hello", "hello-prod")
        )
        ecs = boto3.client("ecs")
        # The service starts with all its tasks running, as a finished `terraform apply` leaves it.
        monkeypatch.setenv("MOTO_ECS_SERVICE_RUNNING", str(DESIRED))
        for env in ("dev", "prod"):
            name = f"hello-{env}"
            ecs.create_cluster(clusterName=name)
            ecs.register_task_definition(
                family=name,
                requiresCompatibilities=["FARGATE"],
                networkMode="awsvpc",
                cpu="256",
                memory="512",
                executionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/{name}-execution",
                containerDefinitions=[
                    {
                        "name": "hello",
                        "image": f"{uri if env == 'dev' else prod_uri}:bootstrap",
                        "portMappings": [{"containerPort": 8000}],
                        "environment": [{"name": "HELLO_ENV", "value": env}],
                        "readonlyRootFilesystem": True,
                        "linuxParameters": {
                            "capabilities": {"drop": ["ALL"]},
                            "initProcessEnabled": True,
                        },
                    }
                ],
                tags=[{"key": "managed-by", "value": "terraform"}],
            )
            ecs.create_service(
                cluster=name,
                serviceName=name,
                taskDefinition=name,
                desiredCount=DESIRED,
                launchType="FARGATE",
            )
        monkeypatch.delenv("MOTO_ECS_SERVICE_RUNNING")
        yield Platform(
            ecs=ecs,
            ecr=ecr,
            scheduler=scheduler,
            downloads=downloads,
            repository_uri=uri,
            prod_repository_uri=prod_uri,
        )
    downloads.close()


ALARMS = {
    env: [f"hello-{env}-target-5xx-rate", f"hello-{env}-target-p99-latency"]
    for env in ("dev", "prod")
}


def _count(metric_id: str, name: str) -> dict[str, Any]:
    metric = {"Namespace": "AWS/ApplicationELB", "MetricName": name}
    return {
        "Id": metric_id,
        "MetricStat": {"Metric": metric, "Period": 60, "Stat": "Sum"},
        "ReturnData": False,
    }


@pytest.fixture
def alarms(platform: Platform) -> Any:
    """The deployment alarms Terraform creates (OK), named in both services' alarms, defined
    as the ecs-service module defines them (a 5xx rate in metric math, a p99 of the response
    time); returns a CloudWatch client."""
    cloudwatch = boto3.client("cloudwatch")
    for env, (errors, latency) in ALARMS.items():
        window = {"EvaluationPeriods": 3, "ComparisonOperator": "GreaterThanThreshold"}
        cloudwatch.put_metric_alarm(
            AlarmName=errors,
            Metrics=[
                {
                    "Id": "rate",
                    "Expression": "IF(requests >= 10, 100 * FILL(errors, 0) / requests, 0)",
                    "ReturnData": True,
                },
                _count("errors", "HTTPCode_Target_5XX_Count"),
                _count("requests", "RequestCount"),
            ],
            Threshold=5,
            **window,
        )
        cloudwatch.put_metric_alarm(
            AlarmName=latency,
            Namespace="AWS/ApplicationELB",
            MetricName="TargetResponseTime",
            ExtendedStatistic="p99",
            Period=60,
            Threshold=1,
            **window,
        )
        for name in (errors, latency):
            cloudwatch.set_alarm_state(AlarmName=name, StateValue="OK", StateReason="test")
        platform.scheduler.set_deployment_alarms(env, [errors, latency])
    return cloudwatch


@pytest.fixture
def alb(platform: Platform) -> Any:
    """The ALB `hello-dev` (an ELBv2 client); moto wants real subnets for it."""
    ec2, elbv2 = boto3.client("ec2"), boto3.client("elbv2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{z}")[
            "Subnet"
        ]["SubnetId"]
        for i, z in enumerate("ab")
    ]
    elbv2.create_load_balancer(Name="hello-dev", Subnets=subnets)
    return elbv2


@dataclass
class Result:
    command: str
    code: int
    out: str
    err: str


class Run:
    """Runs the command line in-process: exit code, stdout, stderr."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def __call__(self, *argv: str) -> Result:
        self.capsys.readouterr()
        try:
            code = cli.main(argv)
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        captured = self.capsys.readouterr()
        return Result(argv[0] if argv else "", code, captured.out, captured.err)

    def deploy(self, env: str, sha: str, *options: str) -> Result:
        """Deploys the image `Platform.push(sha)` made, naming the digest that build pushed."""
        return self("deploy", "--env", env, "--sha", sha, "--digest", digest_of(sha), *options)

    def promote(self, sha: str, *options: str) -> Result:
        """Promotes the image `Platform.push(sha)` made, naming the digest that build pushed."""
        return self("promote", "--sha", sha, "--digest", digest_of(sha), *options)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    return Run(capsys)


def assert_refused(result: Result, reason: str) -> None:
    """The command failed for `reason` (exit 1, one line) and says that it changed nothing."""
    assert result.code == 1
    assert result.err == f"hello-release {result.command}: {reason}; nothing was changed\n"
