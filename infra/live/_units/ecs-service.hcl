# Unit template, included by <env>/ecs-service.
locals {
  common = read_terragrunt_config(find_in_parent_folders("common.hcl")).locals
  env    = read_terragrunt_config(find_in_parent_folders("env.hcl")).locals
  name   = local.common.resource_names[local.env.environment]
  # The environment's own image repository: its tasks pull from nowhere else.
  repository = local.common.image_repositories[local.env.environment]
}

terraform {
  source = "${local.common.modules_dir}//ecs-service"
}

dependency "network" {
  config_path = "${get_terragrunt_dir()}/../network"

  mock_outputs = {
    vpc_id           = "vpc-00000000000000000"
    subnet_ids       = ["subnet-00000000000000001", "subnet-00000000000000002"]
    assign_public_ip = true
  }
  mock_outputs_allowed_terraform_commands = local.common.mock_outputs_commands
}

dependency "cluster" {
  config_path = "${get_terragrunt_dir()}/../ecs-cluster"

  mock_outputs = {
    cluster_name = "mock-cluster"
    cluster_arn  = "arn:aws:ecs:us-east-1:000000000000:cluster/mock-cluster"
  }
  mock_outputs_allowed_terraform_commands = local.common.mock_outputs_commands
}

dependency "alerts" {
  config_path = "${get_terragrunt_dir()}/../alerts"

  mock_outputs = {
    topic_arn = "arn:aws:sns:us-east-1:000000000000:mock-alerts"
  }
  mock_outputs_allowed_terraform_commands = local.common.mock_outputs_commands
}

dependency "alb" {
  config_path = "${get_terragrunt_dir()}/../alb"

  mock_outputs = {
    listener_arn      = "arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/mock/0000000000000000/0000000000000000"
    lb_arn_suffix     = "app/mock/0000000000000000"
    security_group_id = "sg-00000000000000000"
  }
  mock_outputs_allowed_terraform_commands = local.common.mock_outputs_commands
}

inputs = {
  name               = local.name
  container_name     = local.common.service
  environment_name   = local.env.environment
  initial_image      = "${local.repository.url}@${local.common.initial_image_digest}"
  ecr_repository_arn = local.repository.arn

  # The boundary the ci-roles unit creates (policy <service>-<env>-boundary): the infra
  # role may create and change the task and execution roles only with it attached.
  permissions_boundary = "arn:aws:iam::${local.env.account_id}:policy/${local.name}-boundary"

  cpu                        = local.env.task_cpu
  memory                     = local.env.task_memory
  min_count                  = local.env.min_tasks
  max_count                  = local.env.max_tasks
  capacity_provider_strategy = local.env.capacity_provider_strategy

  # Deploy-time budget (printed by `nox -s infra`): a new task is healthy after
  # interval x healthy_threshold, an old one drains for deregistration_delay and then
  # has stop_timeout to finish in-flight requests. The module checks that the drain ends
  # before gunicorn's graceful timeout (its default in services/hello/gunicorn.conf.py,
  # which infra/tests compares with this copy) and that ECS waits longer than both.
  health_check_interval              = 5
  health_check_timeout               = 2
  health_check_healthy_threshold     = 2
  health_check_unhealthy_threshold   = 2
  health_check_grace_period          = 10
  deregistration_delay               = 15
  graceful_timeout                   = 20
  stop_timeout                       = 30
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200

  cluster_arn           = dependency.cluster.outputs.cluster_arn
  cluster_name          = dependency.cluster.outputs.cluster_name
  vpc_id                = dependency.network.outputs.vpc_id
  subnet_ids            = dependency.network.outputs.subnet_ids
  alb_security_group_id = dependency.alb.outputs.security_group_id
  listener_arn          = dependency.alb.outputs.listener_arn
  lb_arn_suffix         = dependency.alb.outputs.lb_arn_suffix

  # Only the environment's domain, which the alb unit serves, reaches the tasks (any
  # host in a dev without a domain: it is reached by the load balancer's DNS name).
  host_name = local.env.domain_name

  # A public IP exactly where the network unit's subnets need one to reach ECR and
  # CloudWatch Logs (a network state from before that output has the default VPC's
  # public subnets, which do).
  assign_public_ip = try(dependency.network.outputs.assign_public_ip, true)

  log_retention_days = local.env.log_retention_days

  # Deployment alarms (roll a release back) and where every alarm notifies.
  alarm_actions                = [dependency.alerts.outputs.topic_arn]
  alarm_period                 = local.env.alarm_period_seconds
  alarm_evaluation_periods     = local.env.alarm_evaluation_periods
  alarm_datapoints_to_alarm    = local.env.alarm_datapoints_to_alarm
  target_5xx_rate_threshold    = local.env.alarm_5xx_rate_percent
  target_5xx_min_requests      = local.env.alarm_5xx_min_requests
  target_p99_latency_threshold = local.env.alarm_p99_latency_seconds
}
