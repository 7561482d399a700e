# The names of what the alb and alerts modules create (the alerts key: ci-roles), and
# their ARNs, computed once: the resource modules name their resources from here and
# ci-roles-policies grants the infra role exactly these, so the two cannot drift apart. Provider-free (no resources, no data
# sources): the account, region and partition come in as inputs.

locals {
  arn_prefix = "arn:${var.partition}"
  regional   = "${var.region}:${var.account_id}"

  # S3 bucket names are global: the account ID keeps them unique.
  access_logs_bucket = "${var.name}-alb-logs-${var.account_id}"
  # WAF logs only to log groups named aws-waf-logs-*.
  waf_log_group_name = "aws-waf-logs-${var.name}"
  alerts_topic_name  = "${var.name}-alerts"
  alerts_key_alias   = "alias/${local.alerts_topic_name}"
}
