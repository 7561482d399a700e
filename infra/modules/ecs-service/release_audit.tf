# What IAM cannot refuse the deploy role (a container definition; the service's count,
# load balancers, capacity providers, deployment configuration) is detected instead:
# CloudTrail's record of each such ECS call notifies the alerts topic. The topic lets
# EventBridge publish only for rules named `<name>-release-audit-*` (alerts-policies).

module "release_audit_patterns" {
  source = "../release-audit-patterns"

  # initial_image is `<repository url>@sha256:<digest>`.
  image_repository_url = split("@", var.initial_image)[0]
  task_family          = var.name
  service_name         = var.name
}

locals {
  release_audit_patterns = {
    task-definition  = module.release_audit_patterns.register_task_definition_pattern
    service-update   = module.release_audit_patterns.update_service_pattern
    service-settings = module.release_audit_patterns.update_service_settings_pattern
  }
  release_audit_targets = {
    for pair in setproduct(keys(local.release_audit_patterns), var.alarm_actions) : "${pair[0]} ${pair[1]}" => { rule = pair[0], arn = pair[1] }
  }
}

resource "aws_cloudwatch_event_rule" "release_audit" {
  for_each = local.release_audit_patterns

  name          = "${var.name}-release-audit-${each.key}"
  description   = "ECS calls on ${var.name} that a release never makes"
  event_pattern = each.value
  tags          = var.tags
}

resource "aws_cloudwatch_event_target" "release_audit" {
  for_each = local.release_audit_targets

  rule = aws_cloudwatch_event_rule.release_audit[each.value.rule].name
  arn  = each.value.arn
}
