# What makes dev dev. Read by root.hcl (and, for the image repository, by prod too).
locals {
  environment = "dev"
  account_id  = "111111111111" # replace with the dev account (docs/bootstrap.md)
  aws_region  = "us-east-1"

  # Created at bootstrap, before the first apply (docs/bootstrap.md).
  state_bucket = "hello-platform-tfstate-111111111111"

  # Networking: empty = the account's default VPC and its public default subnets, where
  # tasks get a public IP to reach ECR and CloudWatch Logs. private_subnet_cidrs moves the
  # tasks to private subnets with VPC endpoints and no public IP, at the endpoints' hourly
  # price (infra/modules/network/README.md), which dev saves. Or bring your own subnets:
  # subnet_ids (with NAT or endpoints: tasks get no public IP there) and public_subnet_ids
  # (docs/decisions/0004-default-vpc.md).
  vpc_id               = ""
  subnet_ids           = []
  public_subnet_ids    = []
  private_subnet_cidrs = []

  # Public name of the service and the Route 53 public hosted zone that holds it
  # (docs/bootstrap.md). With a domain the platform serves HTTPS only (certificate,
  # alias records, HTTP answers 301). dev may leave both empty: it then serves plain
  # HTTP on the load balancer's DNS name.
  domain_name    = "dev.hello.example.com"
  hosted_zone_id = "Z11111111111111111111" # replace with dev's hosted zone (docs/bootstrap.md)

  # IPv6 (and an AAAA record) needs subnets with IPv6 CIDR blocks; the default VPC's have none.
  alb_dualstack = false

  # Edge: access logs expire after this many days. dev is public and runs one small task
  # whose latency is a deployment alarm, so a flood would roll back every dev deploy and
  # hold up every promotion (docs/runbooks/promote.md): WAF (managed rules + a per-IP rate
  # limit in requests per 5 minutes) is on here too. It costs about $10 a month (web ACL
  # $5, $1 per rule, logs) plus $0.60 per million requests; waf_enabled = false saves that
  # and leaves only ingress_cidr_blocks between dev and a flood.
  access_logs_expiration_days = 30
  waf_enabled                 = true
  waf_rate_limit              = 1000

  # Who may reach the load balancer (IPv4; dualstack adds ::/0). Narrowing it to the
  # office/VPN ranges that use dev closes dev to floods at no cost, but also to anyone
  # outside them (a public demo, a partner, a phone off the VPN).
  ingress_cidr_blocks = ["0.0.0.0/0"]

  # Cheaper than prod: one task on Fargate Spot, scaling to two.
  task_cpu    = 256
  task_memory = 512
  min_tasks   = 1
  max_tasks   = 2
  capacity_provider_strategy = [
    { capacity_provider = "FARGATE_SPOT", weight = 1, base = 0 },
  ]

  log_retention_days  = 14
  deletion_protection = false

  # Deployment alarms: either one in ALARM during a rollout (and its bake time, about
  # period x evaluation periods) rolls the release back. Prod gets only what dev ran
  # with them OK, so dev's thresholds are never looser than prod's. Every alarm
  # notifies the topic hello-dev-alerts, mailed to alert_emails.
  alarm_period_seconds      = 60
  alarm_evaluation_periods  = 3
  alarm_datapoints_to_alarm = 2
  alarm_5xx_rate_percent    = 5  # of the requests the tasks answered, per period
  alarm_5xx_min_requests    = 10 # fewer requests in a period count as 0 %
  alarm_p99_latency_seconds = 1
  alert_emails              = ["hello-dev-alerts@example.com"] # replace (docs/bootstrap.md); each confirms by mail

  # The build repository lives here (common.hcl): images kept, the newest by push time.
  # Every build is pushed here, so this is also how many builds back dev can go.
  ecr_keep_images = 30

  # An account has at most one GitHub OIDC provider; false if it exists already.
  create_oidc_provider = true
}
