# The container definitions of a service's task definition, as the JSON that
# aws_ecs_task_definition takes. No resources, so the real OpenTofu computes and tests
# it offline (tests/); the ecs-service module registers the result.

locals {
  container = {
    name         = var.container_name
    image        = var.image
    essential    = true
    environment  = [for name, value in var.environment : { name = name, value = value }]
    portMappings = [{ name = "http", containerPort = var.container_port, protocol = "tcp" }]
    user         = var.user
    # The application writes nothing to its image; a compromised process cannot plant files.
    readonlyRootFilesystem = true
    linuxParameters = {
      # The application needs no capability: it binds a port above 1024 as a non-root user.
      capabilities = { drop = ["ALL"] }
      # An init process as PID 1 forwards SIGTERM to gunicorn and reaps orphaned children.
      initProcessEnabled = true
    }
    stopTimeout = var.stop_timeout
    healthCheck = {
      # The image has python but no curl.
      command     = ["CMD", "python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:${var.container_port}${var.health_check_path}', timeout=2).status == 200 else 1)"]
      interval    = 10
      timeout     = 3
      retries     = 3
      startPeriod = 10
    }
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = var.log_group_name
        awslogs-region        = var.log_region
        awslogs-stream-prefix = var.container_name
      }
    }
  }
}
