# The container every task of the service runs: what the service contract and the
# ECS conventions (docs/architecture.md) ask of it, on the JSON the module outputs.

variables {
  container_name    = "web"
  image             = "111111111111.dkr.ecr.us-east-1.amazonaws.com/web:0123456789abcdef0123456789abcdef01234567"
  environment       = { APP_ENVIRONMENT = "dev", LOG_LEVEL = "info" }
  container_port    = 8000
  health_check_path = "/healthz"
  stop_timeout      = 30
  log_group_name    = "/ecs/web-dev"
  log_region        = "us-east-1"
}

run "one_essential_container_of_the_given_name_and_image" {
  command = apply

  assert {
    condition     = length(jsondecode(output.container_definitions)) == 1
    error_message = "A task runs exactly one container."
  }

  assert {
    condition     = jsondecode(output.container_definitions)[0].name == "web" && jsondecode(output.container_definitions)[0].essential
    error_message = "The container is named container_name and is essential."
  }

  assert {
    condition     = jsondecode(output.container_definitions)[0].image == var.image
    error_message = "The container runs the given image."
  }
}

run "runs_as_a_numeric_non_root_user_on_a_read_only_root_filesystem" {
  command = apply

  assert {
    condition     = can(regex("^[1-9][0-9]*(:[0-9]+)?$", jsondecode(output.container_definitions)[0].user))
    error_message = "The container runs as a numeric user other than root."
  }

  assert {
    condition     = jsondecode(output.container_definitions)[0].readonlyRootFilesystem == true
    error_message = "The root filesystem is read-only."
  }
}

run "refuses_root" {
  command = plan

  variables {
    user = "0:0"
  }

  expect_failures = [var.user]
}

run "refuses_a_user_name" {
  command = plan

  variables {
    user = "root"
  }

  expect_failures = [var.user]
}

run "listens_on_the_container_port_and_checks_its_own_health_there" {
  command = apply

  variables {
    container_port    = 9000
    health_check_path = "/livez"
  }

  assert {
    condition     = [for mapping in jsondecode(output.container_definitions)[0].portMappings : mapping.containerPort] == [9000]
    error_message = "The container maps exactly container_port."
  }

  assert {
    condition     = strcontains(join(" ", jsondecode(output.container_definitions)[0].healthCheck.command), "http://127.0.0.1:9000/livez")
    error_message = "The health check requests health_check_path on the container's own port."
  }
}

run "stops_after_the_given_timeout" {
  command = apply

  variables {
    stop_timeout = 45
  }

  assert {
    condition     = jsondecode(output.container_definitions)[0].stopTimeout == 45
    error_message = "stopTimeout is the given stop_timeout (above the application's graceful timeout)."
  }
}

run "refuses_a_stop_timeout_fargate_does_not_take" {
  command = plan

  variables {
    stop_timeout = 121
  }

  expect_failures = [var.stop_timeout]
}

run "passes_exactly_the_given_environment" {
  command = apply

  assert {
    condition = {
      for item in jsondecode(output.container_definitions)[0].environment : item.name => item.value
    } == var.environment
    error_message = "The container's environment is exactly the given variables, nothing added."
  }
}

run "logs_to_the_given_group" {
  command = apply

  assert {
    condition     = jsondecode(output.container_definitions)[0].logConfiguration.logDriver == "awslogs"
    error_message = "The container logs through the awslogs driver."
  }

  assert {
    condition = jsondecode(output.container_definitions)[0].logConfiguration.options == {
      awslogs-group         = "/ecs/web-dev"
      awslogs-region        = "us-east-1"
      awslogs-stream-prefix = "web"
    }
    error_message = "Logs go to log_group_name in log_region, streams prefixed with the container name."
  }
}

run "drops_every_capability_and_runs_an_init_process" {
  command = apply

  assert {
    condition     = jsondecode(output.container_definitions)[0].linuxParameters.capabilities == { drop = ["ALL"] }
    error_message = "The container drops every Linux capability and adds none."
  }

  assert {
    condition     = jsondecode(output.container_definitions)[0].linuxParameters.initProcessEnabled == true
    error_message = "An init process runs as PID 1 (signals reach gunicorn, zombies are reaped)."
  }
}
