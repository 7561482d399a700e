# An ARN ending in /* stands for every resource of that name: AWS appends an ID to it.

output "access_logs_bucket" {
  description = "S3 bucket of the load balancer's access logs."
  value       = local.access_logs_bucket
}

output "access_logs_bucket_arn" {
  description = "ARN of the access-log bucket."
  value       = "${local.arn_prefix}:s3:::${local.access_logs_bucket}"
}

output "load_balancer_name" {
  description = "Name of the load balancer."
  value       = var.name
}

output "load_balancer_arn" {
  description = "ARN pattern of the load balancer (`.../app/<name>/*`)."
  value       = "${local.arn_prefix}:elasticloadbalancing:${local.regional}:loadbalancer/app/${var.name}/*"
}

output "web_acl_name" {
  description = "Name of the WAF web ACL."
  value       = var.name
}

output "web_acl_arn" {
  description = "ARN pattern of the regional WAF web ACL (`.../webacl/<name>/*`)."
  value       = "${local.arn_prefix}:wafv2:${local.regional}:regional/webacl/${var.name}/*"
}

output "waf_log_group_name" {
  description = "CloudWatch log group of the WAF logs."
  value       = local.waf_log_group_name
}

output "waf_log_group_arn" {
  description = "ARN of the WAF log group (its log streams are `<arn>:log-stream:...`)."
  value       = "${local.arn_prefix}:logs:${local.regional}:log-group:${local.waf_log_group_name}"
}

output "alerts_topic_name" {
  description = "Name of the SNS topic the environment's alarms notify."
  value       = local.alerts_topic_name
}

output "alerts_topic_arn" {
  description = "ARN of the alerts topic."
  value       = "${local.arn_prefix}:sns:${local.regional}:${local.alerts_topic_name}"
}

output "alarm_name_prefix" {
  description = "Prefix of every alarm of the environment (the only alarms that may notify the alerts topic)."
  value       = "${var.name}-"
}

output "release_audit_rule_prefix" {
  description = "Prefix of the EventBridge rules that notify the alerts topic (ecs-service's release-audit rules)."
  value       = "${var.name}-release-audit-"
}

output "alerts_key_alias" {
  description = "Alias of the KMS key that encrypts the alerts topic."
  value       = local.alerts_key_alias
}

output "alerts_key_alias_arn" {
  description = "ARN of the alerts key's alias."
  value       = "${local.arn_prefix}:kms:${local.regional}:${local.alerts_key_alias}"
}
