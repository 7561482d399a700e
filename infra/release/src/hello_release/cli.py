"""hello-release: deploy, verify, promote, roll back and publish the hello service on ECS.

Exit codes: 0 done, 1 a runtime failure (the message says what was and was not changed),
2 bad input (nothing was contacted or changed).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError

from hello_release import alarms, applied, ecr, ecs, history, lock, soak, wait
from hello_release.arguments import parser
from hello_release.errors import Changes, ReleaseError
from hello_release.names import (
    PROVENANCE_CHECKED,
    REPOSITORY,
    REVISION_TAG,
    repository,
    resource,
    short,
)
from hello_release.publish import publish
from hello_release.verify import alb_url, verify

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient
    from mypy_boto3_ecs import ECSClient

Command = Callable[[argparse.Namespace, Changes], None]

# The SHA a release tags its revision with (`revision=<sha>`).
RELEASED_SHA = re.compile(r"[0-9a-f]{40}")
# boto3 takes the region from AWS_DEFAULT_REGION or the profile, never from AWS_REGION (which
# the AWS CLI v2 and Terraform read), so the hint names the variable that works.
NO_REGION = (
    "no AWS region configured (set AWS_DEFAULT_REGION or the profile's region;"
    " boto3 does not read AWS_REGION)"
)


def _output(**values: str) -> None:
    """Appends step outputs for GitHub Actions when run there."""
    path = os.environ.get("GITHUB_OUTPUT")
    if path:
        with open(path, "a", encoding="utf-8") as file:
            file.writelines(f"{key}={value}\n" for key, value in values.items())


def _release(
    session: boto3.session.Session,
    ecr_client: ECRClient,
    args: argparse.Namespace,
    env: str,
    digest: str,
    changes: Changes,
) -> None:
    """Registers the latest revision with the image pinned to `digest`, rolls it out, waits."""
    name = resource(env)
    ecs_client, cloudwatch = session.client("ecs"), session.client("cloudwatch")
    running = ecs.revision(ecs_client, ecs.service(ecs_client, env).get("taskDefinition", ""))
    history.check_forward(args.repo_dir, env, running.sha, args.sha, args.command)
    base = ecs.revision(ecs_client, name)
    previous = base.image  # raises before anything is changed if `hello` is missing
    image = _image_for(ecr_client, args.registry_id, env, digest, changes)
    new = ecs.register_with_image(ecs_client, base, image, args.sha)
    changes.record(f"registered {new.name}", pending=f"did not update service {name}")
    print(f"registered {new.name}: copy of {base.name} with {image} (was {previous})", flush=True)
    ecs.update(ecs_client, env, new.arn)
    changes.record(f"updated service {name} to {new.name}")
    wait.rollout(
        ecs_client, cloudwatch, env, new.arn, timeout=args.timeout, interval=args.poll_interval
    )
    _output(sha=args.sha, digest=digest, task_definition=new.name)
    print(f"deployed {args.sha} ({digest}) to {env} as {new.name}")


def _built_digest(ecr_client: ECRClient, args: argparse.Namespace) -> str:
    """The digest the build pushed (`--digest`), checked against what ECR's tag resolves to."""
    found = ecr.digest(ecr_client, args.sha, args.registry_id)
    if found != args.digest:
        raise ReleaseError(
            f"refusing to {args.command} {args.sha}: ECR resolves hello:{args.sha} to {found},"
            f" not to the built {args.digest}"
        )
    return found


def _image_for(
    ecr_client: ECRClient, registry_id: str | None, env: str, digest: str, changes: Changes
) -> str:
    """The image `env` runs for `digest`, pinned by digest in the repository `env` pulls from;
    into an environment's own repository the image is copied first (by digest, no tag)."""
    own = repository(env)
    if own == REPOSITORY:
        return f"{ecr.repository_uri(ecr_client, registry_id)}@{digest}"
    uri = ecr.repository_uri(ecr_client, None, own)
    if ecr.copy_image(ecr_client, digest, registry_id, own):
        changes.record(f"copied {digest} into {own}", pending=f"did not release it to {env}")
        print(f"copied {REPOSITORY}@{digest} into {own}", flush=True)
    else:
        print(f"{own} holds {digest} already", flush=True)
    return f"{uri}@{digest}"


def deploy(args: argparse.Namespace, changes: Changes) -> None:
    session = boto3.session.Session()
    ecr_client = session.client("ecr")
    digest = _built_digest(ecr_client, args)
    _release(session, ecr_client, args, args.env, digest, changes)


def _dev_session(role_arn: str | None) -> boto3.session.Session:
    """Where promote reads dev's service: the caller's own credentials or an assumed role."""
    own = boto3.session.Session()
    if not role_arn:
        return own
    assumed = own.client("sts").assume_role(
        RoleArn=role_arn, RoleSessionName="hello-release-promote"
    )["Credentials"]
    return boto3.session.Session(
        aws_access_key_id=assumed["AccessKeyId"],
        aws_secret_access_key=assumed["SecretAccessKey"],
        aws_session_token=assumed["SessionToken"],
        region_name=own.region_name,
    )


def _dev_soaked(dev: boto3.session.Session, args: argparse.Namespace, digest: str) -> float:
    """Checks dev runs `digest` stable with its deployment alarms OK; returns the seconds of
    soak still missing (0 when dev has run it long enough)."""
    dev_ecs = dev.client("ecs")
    svc = ecs.service(dev_ecs, "dev")
    if not ecs.is_stable(svc) or svc.get("desiredCount", 0) < 1:
        state = "; ".join(ecs.describe_deployment(d) for d in svc.get("deployments", []))
        raise ReleaseError(
            f"refusing to promote: dev is mid-rollout or not running"
            f" ({svc.get('runningCount', 0)}/{svc.get('desiredCount', 0)} running; {state})"
        )
    running = ecs.revision(dev_ecs, svc.get("taskDefinition", ""))
    if running.digest != digest:
        raise ReleaseError(
            f"refusing to promote {args.sha} ({digest}): dev runs"
            f" {running.sha or 'an untagged revision'} ({running.digest or running.image})"
            f" in {running.name}; deploy {args.sha} to dev first"
        )
    names = alarms.deployment_alarms(svc)
    _check_alarms(dev.client("cloudwatch"), args, names)
    ran = (soak.now() - soak.completed_at(svc)).total_seconds()
    required: float = args.soak_minutes * 60
    missing = max(0.0, required - ran)
    print(
        f"dev runs {digest} stable on {running.name} for {soak.minutes(ran)} of a"
        f" {_soak_text(args.soak_minutes)}; deployment alarms OK ({', '.join(names) or 'none'})",
        flush=True,
    )
    return missing


def _check_alarms(cloudwatch: Any, args: argparse.Namespace, names: list[str]) -> None:
    """Refuses unless dev's deployment alarms are OK. `--break-glass` (docs/runbooks/
    break-glass.md) lets a load-only alarm be in any state, never one that judges errors."""
    states = alarms.states(cloudwatch, names)
    skipped = alarms.load_only(cloudwatch, names) if args.break_glass else set()
    bad = [f"{n} is {s}" for n, s in states.items() if s != "OK" and n not in skipped]
    if bad:
        raise ReleaseError(
            f"refusing to promote {args.sha}: dev's deployment alarms are not OK ({', '.join(bad)})"
        )
    if skipped and skipped == set(names):
        raise ReleaseError(
            f"refusing to promote {args.sha} with --break-glass: every deployment alarm of dev"
            f" is load-only ({', '.join(names)}); nothing would judge the release's errors"
        )
    ignored = [f"{n} is {states[n]}" for n in names if n in skipped and states[n] != "OK"]
    if ignored:
        print(
            f"BREAK GLASS: promoting although load-only alarms are not OK ({', '.join(ignored)});"
            " dev's error alarms are OK",
            flush=True,
        )


def _soak_text(soak_minutes: int) -> str:
    if soak_minutes < soak.SOAK_MINUTES:
        return f"{soak_minutes} min soak (shortened by --soak-minutes from {soak.SOAK_MINUTES} min)"
    return f"{soak_minutes} min soak"


def _wait_soak(seconds: float) -> None:
    """Sleeps `seconds`, printing what is left every minute."""
    while seconds > 0:
        print(
            f"[soak] {soak.minutes(seconds)} left before dev's release may go to prod", flush=True
        )
        step = min(60.0, seconds)
        wait.pause(step)
        seconds -= step


def promote(args: argparse.Namespace, changes: Changes) -> None:
    dev = _dev_session(args.dev_role_arn)
    session = boto3.session.Session()
    ecr_client = session.client("ecr")
    digest = _built_digest(ecr_client, args)
    missing = _dev_soaked(dev, args, digest)
    if missing and not args.wait:
        raise ReleaseError(
            f"refusing to promote {args.sha}: dev has not run it for the"
            f" {_soak_text(args.soak_minutes)} yet ({soak.minutes(missing)} left;"
            " --wait waits it out)"
        )
    if missing:
        _wait_soak(missing)
        # Anything may have changed while waiting: check everything again, and wait no more.
        if _dev_soaked(dev, args, digest):
            raise ReleaseError(
                f"refusing to promote {args.sha}: dev's release changed while waiting"
            )
    print(
        f"promoting {args.sha} ({digest}) to prod after a {_soak_text(args.soak_minutes)} in dev",
        flush=True,
    )
    _release(session, ecr_client, args, "prod", digest, changes)


def _rollback_target(session: boto3.session.Session, args: argparse.Namespace) -> ecs.Revision:
    """The revision `--to-revision` or `--to-sha` names, once it is known ECS can run it and,
    in prod, that a release registered it."""
    client = session.client("ecs")
    name = resource(args.env)
    if args.to_revision:
        target = ecs.revision(client, f"{name}:{args.to_revision}")
        if target.definition.get("status") != "ACTIVE":
            raise ReleaseError(f"{target.name} is deregistered (INACTIVE); ECS cannot deploy it")
    else:
        target = _tagged(client, args.env, args.to_sha)
    if args.env == PROVENANCE_CHECKED:
        _check_released(session.client("ecr"), target, repository(args.env))
    return target


def _check_released(ecr_client: ECRClient, target: ecs.Revision, own: str) -> None:
    """What a release registered: the SHA tag the digest's provenance is verified against
    (Terraform's first revision has none), and the image pinned by digest in the
    environment's own repository, which still holds it."""
    refusal = f"refusing to roll {PROVENANCE_CHECKED} back to {target.name}"
    if not RELEASED_SHA.fullmatch(target.sha or ""):
        raise ReleaseError(
            f"{refusal}: it has no {REVISION_TAG}=<40-character SHA> tag, so no release registered"
            " it; roll back to a revision a deploy or promote registered"
        )
    uri = ecr.repository_uri(ecr_client, None, own)
    if not target.digest or target.image != f"{uri}@{target.digest}":
        raise ReleaseError(f"{refusal}: its image {target.image} is not pinned by digest in {uri}")
    if not ecr.has_image(ecr_client, own, target.digest):
        raise ReleaseError(
            f"{refusal}: {own} no longer holds {target.digest} (its lifecycle policy keeps the"
            " newest releases only)"
        )


def rollback_target(args: argparse.Namespace, changes: Changes) -> None:
    target = _rollback_target(boto3.session.Session(), args)
    _output(
        revision=target.arn.rsplit(":", 1)[1],
        sha=target.sha or "",
        digest=target.digest or "",
        # Where the image is: the repository a provenance check reads it from.
        repository=target.image.partition("@")[0] if target.digest else "",
        task_definition=target.name,
    )
    print(
        f"{target.name} runs {target.sha or 'no tagged SHA'}"
        f" ({target.digest or f'not pinned: {target.image}'})"
    )


def rollback(args: argparse.Namespace, changes: Changes) -> None:
    session = boto3.session.Session()
    client = session.client("ecs")
    name = resource(args.env)
    current = ecs.service(client, args.env).get("taskDefinition", "")
    target = _rollback_target(session, args)
    print(f"rolling {name} back from {short(current)} to {target.name}", flush=True)
    ecs.update(client, args.env, target.arn)
    changes.record(f"updated service {name} to {target.name}")
    wait.rollout(
        client,
        session.client("cloudwatch"),
        args.env,
        target.arn,
        timeout=args.timeout,
        interval=args.poll_interval,
    )
    _output(sha=target.sha or "", digest=target.digest or "", task_definition=target.name)
    print(f"rolled {name} back to {target.name} ({target.sha or 'untagged'})")


def _tagged(client: ECSClient, env: str, sha: str) -> ecs.Revision:
    for arn in ecs.revisions_newest_first(client, env):
        revision = ecs.revision(client, arn)
        if revision.sha == sha:
            return revision
    raise ReleaseError(f"no ACTIVE revision of {resource(env)} is tagged revision={sha}")


def status(args: argparse.Namespace, changes: Changes) -> None:
    client = boto3.session.Session().client("ecs")
    svc = ecs.service(client, args.env)
    running = ecs.revision(client, svc.get("taskDefinition", ""))
    deployments = svc.get("deployments", [])
    primary = [d for d in deployments if d.get("status") == "PRIMARY"]
    rows = [
        ("env", args.env),
        ("service", resource(args.env)),
        ("sha", running.sha or "(untagged)"),
        ("digest", running.digest or f"(not pinned: {running.image})"),
        ("task definition", running.name),
        ("rollout", primary[0].get("rolloutState", "-") if primary else "-"),
        ("running/desired", f"{svc.get('runningCount', 0)}/{svc.get('desiredCount', 0)}"),
        ("deployments", str(len(deployments))),
    ] + [("  deployment", ecs.describe_deployment(d)) for d in deployments]
    width = max(len(key) for key, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


def verify_command(args: argparse.Namespace, changes: Changes) -> None:
    if args.url:
        url = args.url
    else:
        session = boto3.session.Session()
        url = alb_url(session.client("elbv2"), session.client("acm"), args.env)
        print(f"the service URL of {args.env} is {url}", flush=True)
    verify(url, args.sha, timeout=args.timeout, interval=args.poll_interval)


def copy_image(args: argparse.Namespace, changes: Changes) -> None:
    """What a release to `--env` does before it registers a revision, on its own: at
    bootstrap, the first image (docs/bootstrap.md)."""
    ecr_client = boto3.session.Session().client("ecr")
    digest = _built_digest(ecr_client, args)
    image = _image_for(ecr_client, args.registry_id, args.env, digest, changes)
    _output(sha=args.sha, digest=digest, image=image)
    print(f"{args.env} can run {args.sha} as {image}")


def publish_command(args: argparse.Namespace, changes: Changes) -> None:
    client = boto3.session.Session().client("ecr")
    digest = publish(client, args.image, args.sha, args.registry_id, changes, args.archive)
    # The repository is the name the image's attestations are made for.
    _output(sha=args.sha, digest=digest, repository=ecr.repository_uri(client, args.registry_id))
    print(f"published {args.sha} as {digest}")


COMMANDS: dict[str, Command] = {
    "deploy": deploy,
    "verify": verify_command,
    "promote": promote,
    "rollback": rollback,
    "rollback-target": rollback_target,
    "status": status,
    "publish": publish_command,
    "copy-image": copy_image,
    **lock.COMMANDS,
    **applied.COMMANDS,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    changes = Changes()
    try:
        COMMANDS[args.command](args, changes)
    except ReleaseError as error:
        return _fail(args, str(error), changes)
    except NoCredentialsError:
        return _fail(args, "no AWS credentials found (profile, AWS_* variables or role)", changes)
    except NoRegionError:
        return _fail(args, NO_REGION, changes)
    except ClientError as error:
        detail = error.response.get("Error", {})
        message = (
            f"AWS {error.operation_name} failed: {detail.get('Code')}: {detail.get('Message')}"
        )
        return _fail(args, message, changes)
    except BotoCoreError as error:
        return _fail(args, f"AWS call failed: {error}", changes)
    return 0


def _fail(args: argparse.Namespace, message: str, changes: Changes) -> int:
    line = " ".join(f"{message}; {changes.summary()}".split())
    print(f"hello-release {args.command}: {line}", file=sys.stderr)
    return 1
