# Every document of ../ci-roles-policies, attached as it says: each role's inline
# policies, the managed policies (named `<name>-<key>`, the names the infra role's deny
# covers), and each role's attachments of them.

locals {
  # Role key (as the policy module names it) -> the role.
  role_names = merge(
    { deploy = aws_iam_role.deploy.name, infra = aws_iam_role.infra.name, plan = aws_iam_role.plan.name },
    { for role in aws_iam_role.publish : "publish" => role.name },
    { for role in aws_iam_role.release_reader : "release-reader" => role.name },
  )
  inline = merge([
    for role, documents in local.roles : {
      for policy, document in documents.inline : "${role}/${policy}" => { role = role, policy = policy, document = document }
    }
  ]...)
  attachments = merge([
    for role, documents in local.roles : {
      for policy in documents.managed : "${role}/${policy}" => { role = role, policy = policy }
    }
  ]...)
  # Changing a managed policy's description replaces it: these are the ones in use.
  managed_descriptions = {
    boundary           = "Permissions boundary of the roles the ${local.name} infra role manages: pull the image, write logs, no IAM"
    platform-read      = "What a plan of ${local.name} reads: its state and the platform's resource settings"
    platform-read-edge = "What a plan of ${local.name} reads of its edge and alerts: certificates, DNS, web ACL, log bucket settings, topics"
    infra-compute      = "terragrunt apply of ${local.name}: its image repository, cluster, service, task definitions, logs, alarms, scaling"
    infra-network      = "terragrunt apply of ${local.name}: its load balancer and the project's security groups"
    infra-edge         = "terragrunt apply of ${local.name}: its DNS records, access-log bucket and web ACL"
    infra-alerts       = "terragrunt apply of ${local.name}: its alerts topic and e-mail subscriptions"
  }
}

resource "aws_iam_role_policy" "this" {
  for_each = local.inline

  name   = each.value.policy
  role   = local.role_names[each.value.role]
  policy = each.value.document
}

resource "aws_iam_policy" "this" {
  for_each = module.policies.managed_policies

  name        = "${local.name}-${each.key}"
  description = local.managed_descriptions[each.key]
  policy      = each.value
  tags        = var.tags
}

resource "aws_iam_role_policy_attachment" "this" {
  for_each = local.attachments

  role       = local.role_names[each.value.role]
  policy_arn = aws_iam_policy.this[each.value.policy].arn
}

# Addresses before the documents moved to ../ci-roles-policies. The infra role's one
# inline policy (aws_iam_role_policy.infra) is gone: its statements are now split by
# concern, each under IAM's size limits.
moved {
  from = aws_iam_role_policy.publish[0]
  to   = aws_iam_role_policy.this["publish/push-image"]
}

moved {
  from = aws_iam_role_policy.deploy
  to   = aws_iam_role_policy.this["deploy/release"]
}

moved {
  from = aws_iam_role_policy.release_reader[0]
  to   = aws_iam_role_policy.this["release-reader/read-service"]
}

moved {
  from = aws_iam_policy.boundary
  to   = aws_iam_policy.this["boundary"]
}

moved {
  from = aws_iam_policy.platform_read
  to   = aws_iam_policy.this["platform-read"]
}

moved {
  from = aws_iam_role_policy_attachment.plan_read
  to   = aws_iam_role_policy_attachment.this["plan/platform-read"]
}

moved {
  from = aws_iam_role_policy_attachment.infra_read
  to   = aws_iam_role_policy_attachment.this["infra/platform-read"]
}
