# What makes prod prod. Read by root.hcl.
locals {
  environment = "prod"
  account_id  = "222222222222" # replace with the prod account (docs/bootstrap.md)
  aws_region  = "us-east-1"

  # Created at bootstrap, before the first apply (docs/bootstrap.md).
  state_bucket = "hello-platform-tfstate-222222222222"

  # See dev/env.hcl for the networking choices.
  vpc_id            = ""
  subnet_ids        = []
  public_subnet_ids = []
  assign_public_ip  = true

  # Public name of the service and its Route 53 public hosted zone (docs/bootstrap.md).
  # prod serves HTTPS only and refuses to render without a domain.
  domain_name    = "hello.example.com"
  hosted_zone_id = "Z22222222222222222222" # replace with prod's hosted zone (docs/bootstrap.md)

  # See dev/env.hcl.
  alb_dualstack = false

  # Edge: access logs kept a year; WAF always on (rate limit in requests per IP per 5 minutes).
  access_logs_expiration_days = 365
  waf_enabled                 = true
  waf_rate_limit              = 1000

  # At least two on-demand tasks (one per AZ), scaling to six.
  task_cpu    = 512
  task_memory = 1024
  min_tasks   = 2
  max_tasks   = 6
  capacity_provider_strategy = [
    { capacity_provider = "FARGATE", weight = 1, base = 2 },
  ]

  log_retention_days  = 365
  deletion_protection = true
  alarms_enabled      = true
  alarm_actions       = [] # SNS topic ARNs to notify

  image_pull_account_ids = []

  create_oidc_provider = true
}
