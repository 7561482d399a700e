"""gunicorn settings for the hello service; every value can be tuned from the environment.

ECS stops a task with SIGTERM, waits the container's stopTimeout (`stop_timeout` in
infra/live/_units/ecs-service.hcl), then sends SIGKILL. gunicorn's graceful_timeout
must stay below that so in-flight requests finish before the kill; the ecs-service
module refuses a stop timeout that is not above it.
"""

import os

from hello.config import available_cpus
from hello.logs import GUNICORN_LOGCONFIG


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, got {raw!r}") from None
    if value < 1:
        raise SystemExit(f"{name} must be at least 1, got {value}")
    return value


wsgi_app = "hello.wsgi:app"
bind = f"0.0.0.0:{_int_env('PORT', 8000)}"

# Sync workers, one per usable vCPU plus one (at least two, so one busy or restarting
# worker never stops the task). Requests here only use CPU, and clients reach the tasks
# only through the ALB, which holds their connections; `nox -s bench` measured this
# against gthread: the same throughput, a p99 about a third lower.
# GUNICORN_THREADS above 1 switches gunicorn to its gthread worker, the better choice
# for an app that waits on I/O (a database, other services).
workers = _int_env("WEB_CONCURRENCY", max(2, available_cpus() + 1))
threads = _int_env("GUNICORN_THREADS", 1)

# gthread only (sync workers close every connection): longer than the ALB idle timeout
# (60 s), so the ALB, not gunicorn, closes idle connections.
keepalive = _int_env("GUNICORN_KEEPALIVE", 75)
timeout = _int_env("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int_env("GUNICORN_GRACEFUL_TIMEOUT", 20)

# The worker heartbeat file lives in memory, which also works with a read-only root filesystem.
worker_tmp_dir = "/dev/shm"  # noqa: S108 - a private tmpfs per container, not a shared /tmp
# No runtime control socket: nothing in ECS uses it and it would need a writable path.
control_socket_disable = True

limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190

accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)s "%({x-amzn-trace-id}i)s"'
logconfig_dict = GUNICORN_LOGCONFIG
logger_class = "hello.logs.AccessLogger"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
