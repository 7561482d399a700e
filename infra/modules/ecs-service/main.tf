# The hello service on Fargate behind the ALB.
#
# Ownership split (docs/decisions/0003-pipeline-owns-releases.md): this module creates
# the task definition family's first revision and everything around the service; the
# release pipeline registers every later revision by copying the latest ACTIVE one and
# swapping only the image (pinned by digest). Hence:
#   - the service ignores `task_definition` (and `desired_count`, owned by autoscaling);
#   - the task definition keeps `track_latest = false`, so Terraform compares against its
#     own revision and never "corrects" a release;
#   - a change here (CPU, memory, environment) registers a new revision, which becomes the
#     latest ACTIVE one and so the base of the next release; `skip_destroy = true` keeps
#     the replaced revision registered, because a running deployment may still use it.

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

locals {
  region     = data.aws_region.current.region
  account_id = data.aws_caller_identity.current.account_id

  # Single source for the contract names the ci-roles module derives ARNs from.
  execution_role_name = "${var.name}-execution"
  task_role_name      = "${var.name}-task"
  log_group_name      = "/ecs/${var.name}"
}

# --- logs -------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "this" {
  # checkov:skip=CKV_AWS_158:Log data is encrypted with the CloudWatch Logs service key; a customer KMS key is an input (log_kms_key_arn).
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

# --- IAM --------------------------------------------------------------------------

module "policies" {
  source = "../ecs-service-policies"

  account_id         = local.account_id
  ecr_repository_arn = var.ecr_repository_arn
  log_group_arn      = aws_cloudwatch_log_group.this.arn
}

resource "aws_iam_role" "execution" {
  name                 = local.execution_role_name
  description          = "ECS agent for ${var.name}: pull the image, write the log group"
  assume_role_policy   = module.policies.roles["execution"].trust
  permissions_boundary = var.permissions_boundary
  tags                 = var.tags
}

resource "aws_iam_role_policy" "execution" {
  for_each = module.policies.roles["execution"].inline

  name   = each.key
  role   = aws_iam_role.execution.id
  policy = each.value
}

moved {
  from = aws_iam_role_policy.execution
  to   = aws_iam_role_policy.execution["pull-image-write-logs"]
}

# The application calls no AWS API, so its task role has no permissions at all.
resource "aws_iam_role" "task" {
  name                 = local.task_role_name
  description          = "Application role for ${var.name}; no permissions: the app calls no AWS API"
  assume_role_policy   = module.policies.roles["task"].trust
  permissions_boundary = var.permissions_boundary
  tags                 = var.tags
}

# --- task definition --------------------------------------------------------------

module "container" {
  source = "../ecs-container-definitions"

  container_name = var.container_name
  image          = var.initial_image
  # HELLO_REVISION is baked into the image at build time; never set it here.
  environment       = merge(var.environment, { HELLO_ENVIRONMENT = var.environment_name })
  container_port    = var.container_port
  health_check_path = var.health_check_path
  # Above the graceful timeout (variables.tf checks), so in-flight requests finish before SIGKILL.
  stop_timeout   = var.stop_timeout
  log_group_name = aws_cloudwatch_log_group.this.name
  log_region     = local.region
}

resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  track_latest             = false
  skip_destroy             = true

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  container_definitions = module.container.container_definitions

  tags = var.tags
}

# --- networking -------------------------------------------------------------------

resource "aws_security_group" "service" {
  name        = "${var.name}-service"
  description = "Tasks of ${var.name}: the container port from the load balancer only; HTTPS out"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-service" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "from_alb" {
  security_group_id            = aws_security_group.service.id
  description                  = "Container port from the load balancer"
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = var.alb_security_group_id
}

resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.service.id
  description       = "HTTPS out: ECR, CloudWatch Logs (via public IP, NAT or VPC endpoints)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_lb_target_group" "this" {
  # checkov:skip=CKV_AWS_378:TLS ends at the load balancer; ALB to task is HTTP inside the VPC, allowed only from the ALB's security group.
  name                 = var.name
  port                 = var.container_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = var.deregistration_delay

  health_check {
    enabled             = true
    path                = var.health_check_path
    matcher             = "200"
    interval            = var.health_check_interval
    timeout             = var.health_check_timeout
    healthy_threshold   = var.health_check_healthy_threshold
    unhealthy_threshold = var.health_check_unhealthy_threshold
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

# Only requests for the environment's own name reach the tasks; any other Host (a scan of
# the load balancer's address, someone else's name pointed at it) gets the listener's 404.
resource "aws_lb_listener_rule" "this" {
  listener_arn = var.listener_arn
  priority     = var.listener_rule_priority

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }

  dynamic "condition" {
    for_each = var.host_name == "" ? [] : [var.host_name]

    content {
      host_header {
        values = [condition.value]
      }
    }
  }

  condition {
    path_pattern {
      values = ["/*"]
    }
  }

  tags = var.tags
}

# --- service ----------------------------------------------------------------------

resource "aws_ecs_service" "this" {
  name                               = var.name
  cluster                            = var.cluster_arn
  task_definition                    = aws_ecs_task_definition.this.arn
  desired_count                      = var.min_count
  deployment_minimum_healthy_percent = var.deployment_minimum_healthy_percent
  deployment_maximum_percent         = var.deployment_maximum_percent
  health_check_grace_period_seconds  = var.health_check_grace_period
  availability_zone_rebalancing      = "ENABLED"
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"
  wait_for_steady_state              = false

  # Two ways a release rolls itself back: tasks that never get healthy (circuit breaker),
  # and healthy tasks that hurt traffic (deployment alarms: ECS watches them during the
  # rollout and a bake time after it, and rolls back to the last completed deployment).
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  alarms {
    alarm_names = local.deployment_alarm_names
    enable      = true
    rollback    = true
  }

  dynamic "capacity_provider_strategy" {
    for_each = var.capacity_provider_strategy

    content {
      capacity_provider = capacity_provider_strategy.value.capacity_provider
      weight            = capacity_provider_strategy.value.weight
      base              = capacity_provider_strategy.value.base
    }
  }

  # Tasks spread across the subnets' availability zones (Fargate spreads by AZ;
  # availability_zone_rebalancing moves tasks back after an AZ recovers).
  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.service.id]
    assign_public_ip = var.assign_public_ip
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.this.arn
    container_name   = var.container_name
    container_port   = var.container_port
  }

  tags = var.tags

  lifecycle {
    # Releases own the revision; autoscaling owns the count.
    ignore_changes = [task_definition, desired_count]
  }

  # The target group must be attached to the load balancer before the service uses it.
  depends_on = [aws_lb_listener_rule.this, aws_iam_role_policy.execution]
}

# --- autoscaling ------------------------------------------------------------------

resource "aws_appautoscaling_target" "this" {
  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${var.cluster_name}/${aws_ecs_service.this.name}"
  min_capacity       = var.min_count
  max_capacity       = var.max_count
  tags               = var.tags
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "${var.name}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension
  resource_id        = aws_appautoscaling_target.this.resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = var.cpu_target_percent
    scale_in_cooldown  = 120
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

# --- alarms -----------------------------------------------------------------------
#
# The first two are the service's deployment alarms (see the service's `alarms` block);
# every alarm notifies the environment's alerts topic when it fires and when it clears.

locals {
  deployment_alarm_names = [
    aws_cloudwatch_metric_alarm.target_5xx_rate.alarm_name,
    aws_cloudwatch_metric_alarm.target_p99_latency.alarm_name,
  ]
  alarm_dimensions = {
    LoadBalancer = var.lb_arn_suffix
    TargetGroup  = aws_lb_target_group.this.arn_suffix
  }
}

resource "aws_cloudwatch_metric_alarm" "target_5xx_rate" {
  alarm_name          = "${var.name}-target-5xx-rate"
  alarm_description   = "More than ${var.target_5xx_rate_threshold}% of the requests the ${var.name} tasks answered were 5xx (periods with fewer than ${var.target_5xx_min_requests} requests count as 0%). A deployment in progress rolls back."
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.target_5xx_rate_threshold
  evaluation_periods  = var.alarm_evaluation_periods
  datapoints_to_alarm = var.alarm_datapoints_to_alarm
  # No requests at all (idle dev) is not an outage.
  treat_missing_data = "notBreaching"
  alarm_actions      = var.alarm_actions
  ok_actions         = var.alarm_actions

  metric_query {
    id          = "rate"
    label       = "Target 5xx, % of requests"
    expression  = "IF(requests >= ${var.target_5xx_min_requests}, 100 * FILL(errors, 0) / requests, 0)"
    return_data = true
  }

  metric_query {
    id = "errors"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_Target_5XX_Count"
      period      = var.alarm_period
      stat        = "Sum"
      dimensions  = local.alarm_dimensions
    }
  }

  metric_query {
    id = "requests"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "RequestCount"
      period      = var.alarm_period
      stat        = "Sum"
      dimensions  = local.alarm_dimensions
    }
  }

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "target_p99_latency" {
  alarm_name          = "${var.name}-target-p99-latency"
  alarm_description   = "The ${var.name} tasks' p99 response time exceeded ${var.target_p99_latency_threshold} s. A deployment in progress rolls back."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "TargetResponseTime"
  extended_statistic  = "p99"
  period              = var.alarm_period
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.target_p99_latency_threshold
  evaluation_periods  = var.alarm_evaluation_periods
  datapoints_to_alarm = var.alarm_datapoints_to_alarm
  treat_missing_data  = "notBreaching"
  # A handful of requests has no meaningful p99: keep the current state then.
  evaluate_low_sample_count_percentiles = "ignore"
  alarm_actions                         = var.alarm_actions
  ok_actions                            = var.alarm_actions
  dimensions                            = local.alarm_dimensions
  tags                                  = var.tags
}

# Not a deployment alarm (the circuit breaker already judges new tasks' health); it
# tells people when a running task stops answering /healthz.
resource "aws_cloudwatch_metric_alarm" "unhealthy_hosts" {
  alarm_name          = "${var.name}-unhealthy-hosts"
  alarm_description   = "A ${var.name} target failed its /healthz check for two minutes"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "UnHealthyHostCount"
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 2
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  dimensions          = local.alarm_dimensions
  tags                = var.tags
}
