# What makes prod prod. Read by root.hcl.
locals {
  environment = "prod"
  account_id  = "222222222222" # replace with the prod account (docs/bootstrap.md)
  aws_region  = "us-east-1"

  # Created at bootstrap, before the first apply (docs/bootstrap.md).
  state_bucket = "hello-platform-tfstate-222222222222"

  # See dev/env.hcl for the networking choices. prod's tasks run in private subnets: an
  # exploited task has no way to the internet, only to ECR, S3 and CloudWatch Logs. The
  # blocks follow the default subnets (172.31.0.0/20 to 172.31.80.0/20, one per AZ, six
  # at most); check they are free before the first apply (docs/bootstrap.md, "Private
  # subnets").
  vpc_id               = ""
  subnet_ids           = []
  public_subnet_ids    = []
  private_subnet_cidrs = ["172.31.96.0/20", "172.31.112.0/20"]

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

  # prod is the public service (see dev/env.hcl).
  ingress_cidr_blocks = ["0.0.0.0/0"]

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

  # Deployment alarms: either one in ALARM during a rollout (and its bake time, about
  # period x evaluation periods) rolls the release back. Prod gets only what dev ran
  # with them OK, so dev's thresholds are never looser than prod's. Every alarm
  # notifies the topic hello-prod-alerts, mailed to alert_emails.
  alarm_period_seconds      = 60
  alarm_evaluation_periods  = 3
  alarm_datapoints_to_alarm = 2
  alarm_5xx_rate_percent    = 5  # of the requests the tasks answered, per period
  alarm_5xx_min_requests    = 10 # fewer requests in a period count as 0 %
  alarm_p99_latency_seconds = 1
  alert_emails              = ["hello-prod-oncall@example.com"] # replace (docs/bootstrap.md); each confirms by mail

  # Prod's own image repository (common.hcl): images kept, the newest by push time, that
  # is what prod runs and how far back it can roll back.
  ecr_keep_images = 10

  create_oidc_provider = true
}
