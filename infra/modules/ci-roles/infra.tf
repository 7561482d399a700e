# infra: terragrunt apply of the platform units (not this one). Its policy is this file's
# statements, the edge's (infra_edge.tf) and the alerts' (infra_alerts.tf).

data "aws_iam_policy_document" "infra" {
  source_policy_documents = [
    data.aws_iam_policy_document.register_task_definitions.json,
    data.aws_iam_policy_document.infra_edge.json,
    data.aws_iam_policy_document.infra_alerts.json,
  ]

  statement {
    sid       = "StateWrite"
    actions   = ["s3:DeleteObject", "s3:PutObject"]
    resources = [local.state_keys_arn]
  }

  # Units an admin applies (ci-roles, github-repo): the pipeline never writes their state.
  statement {
    sid     = "DenyAdminUnitsState"
    effect  = "Deny"
    actions = ["s3:DeleteObject", "s3:PutObject"]
    resources = [
      "${local.state_bucket_arn}/${local.state_prefix}ci-roles/*",
      "${local.state_bucket_arn}/${local.state_prefix}github-repo/*",
    ]
  }

  dynamic "statement" {
    for_each = var.repository_in_account ? [1] : []

    content {
      sid = "EcrRepository"
      actions = [
        "ecr:CreateRepository",
        "ecr:DeleteLifecyclePolicy",
        "ecr:DeleteRepositoryPolicy",
        "ecr:PutImageScanningConfiguration",
        "ecr:PutImageTagMutability",
        "ecr:PutLifecyclePolicy",
        "ecr:SetRepositoryPolicy",
        "ecr:TagResource",
        "ecr:UntagResource",
      ]
      resources = [var.ecr_repository_arn]
    }
  }

  statement {
    sid = "EcsClusterAndService"
    actions = [
      "ecs:CreateCluster",
      "ecs:CreateService",
      "ecs:DeleteCluster",
      "ecs:DeleteService",
      "ecs:PutClusterCapacityProviders",
      "ecs:TagResource",
      "ecs:UntagResource",
      "ecs:UpdateCluster",
      "ecs:UpdateClusterSettings",
      "ecs:UpdateService",
    ]
    resources = local.ecs_arns
  }

  statement {
    sid     = "TaskDefinitionsDeregister"
    actions = ["ecs:DeregisterTaskDefinition"]
    # aws-api-requires-wildcard: DeregisterTaskDefinition has no resource-level permissions.
    resources = ["*"]
  }

  # The two task roles, only ever with the boundary: what the infra role writes into
  # them is capped by it. Their trust policy is set at creation and never updated.
  statement {
    sid = "TaskRolesWithBoundary"
    actions = [
      "iam:AttachRolePolicy",
      "iam:CreateRole",
      "iam:DeleteRole",
      "iam:DeleteRolePolicy",
      "iam:DetachRolePolicy",
      "iam:PutRolePermissionsBoundary",
      "iam:PutRolePolicy",
      "iam:UpdateRoleDescription",
    ]
    resources = local.task_role_arns

    condition {
      test     = "ArnEquals"
      variable = "iam:PermissionsBoundary"
      values   = [local.boundary_arn]
    }
  }

  statement {
    sid       = "TaskRolesTags"
    actions   = ["iam:TagRole", "iam:UntagRole"]
    resources = local.task_role_arns
  }

  statement {
    sid     = "DenyBoundaryChanges"
    effect  = "Deny"
    actions = ["iam:*"]
    resources = [
      local.boundary_arn,
      "${local.iam_prefix}:policy/${local.name}-platform-read",
    ]
  }

  statement {
    sid       = "DenyRemovingBoundaries"
    effect    = "Deny"
    actions   = ["iam:DeleteRolePermissionsBoundary"]
    resources = ["${local.iam_prefix}:role/*"]
  }

  statement {
    sid       = "DenyCiRoles"
    effect    = "Deny"
    actions   = ["iam:*"]
    resources = local.ci_identity_arns
  }

  statement {
    sid     = "ServiceLinkedRoles"
    actions = ["iam:CreateServiceLinkedRole"]
    resources = [
      "${local.iam_prefix}:role/aws-service-role/ecs.amazonaws.com/*",
      "${local.iam_prefix}:role/aws-service-role/elasticloadbalancing.amazonaws.com/*",
      "${local.iam_prefix}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/*",
    ]
  }

  statement {
    sid = "LoadBalancer"
    actions = [
      "elasticloadbalancing:AddTags",
      "elasticloadbalancing:CreateListener",
      "elasticloadbalancing:CreateLoadBalancer",
      "elasticloadbalancing:CreateRule",
      "elasticloadbalancing:CreateTargetGroup",
      "elasticloadbalancing:DeleteListener",
      "elasticloadbalancing:DeleteLoadBalancer",
      "elasticloadbalancing:DeleteRule",
      "elasticloadbalancing:DeleteTargetGroup",
      "elasticloadbalancing:ModifyListener",
      "elasticloadbalancing:ModifyListenerAttributes",
      "elasticloadbalancing:ModifyLoadBalancerAttributes",
      "elasticloadbalancing:ModifyRule",
      "elasticloadbalancing:ModifyTargetGroup",
      "elasticloadbalancing:ModifyTargetGroupAttributes",
      "elasticloadbalancing:RemoveTags",
      "elasticloadbalancing:SetIpAddressType",
      "elasticloadbalancing:SetSecurityGroups",
      "elasticloadbalancing:SetSubnets",
    ]
    resources = [
      local.load_balancer_arn,
      "${local.elb_prefix}:listener/app/${local.name}/*",
      "${local.elb_prefix}:listener-rule/app/${local.name}/*",
      "${local.elb_prefix}:targetgroup/${local.name}/*",
    ]
  }

  # Security groups are the project's when they carry its default tags (service and
  # environment, from the provider's default_tags): a new group must be created with
  # them, and only groups that have them can be changed, tagged or deleted.
  statement {
    sid       = "SecurityGroupCreate"
    actions   = ["ec2:CreateSecurityGroup"]
    resources = ["${local.ec2_prefix}:security-group/*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/service"
      values   = [var.service]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/environment"
      values   = [var.environment]
    }
  }

  statement {
    sid       = "SecurityGroupCreateInVpc"
    actions   = ["ec2:CreateSecurityGroup"]
    resources = ["${local.ec2_prefix}:vpc/*"]
  }

  statement {
    sid       = "SecurityGroupTagOnCreate"
    actions   = ["ec2:CreateTags"]
    resources = ["${local.ec2_prefix}:security-group/*"]

    condition {
      test     = "StringEquals"
      variable = "ec2:CreateAction"
      values   = ["CreateSecurityGroup"]
    }
  }

  statement {
    sid = "SecurityGroupsOfTheProject"
    actions = [
      "ec2:AuthorizeSecurityGroupEgress",
      "ec2:AuthorizeSecurityGroupIngress",
      "ec2:CreateTags",
      "ec2:DeleteSecurityGroup",
      "ec2:DeleteTags",
      "ec2:ModifySecurityGroupRules",
      "ec2:RevokeSecurityGroupEgress",
      "ec2:RevokeSecurityGroupIngress",
      "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
      "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
    ]
    resources = ["${local.ec2_prefix}:security-group/*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/service"
      values   = [var.service]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/environment"
      values   = [var.environment]
    }
  }

  # A rule is authorised on its group too (required resource), so the group's tags above
  # decide; the rule resource itself has no tags before it exists.
  statement {
    sid = "SecurityGroupRules"
    actions = [
      "ec2:AuthorizeSecurityGroupEgress",
      "ec2:AuthorizeSecurityGroupIngress",
      "ec2:CreateTags",
      "ec2:DeleteTags",
      "ec2:ModifySecurityGroupRules",
      "ec2:RevokeSecurityGroupEgress",
      "ec2:RevokeSecurityGroupIngress",
      "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
      "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
    ]
    resources = ["${local.ec2_prefix}:security-group-rule/*"]
  }

  statement {
    sid = "Logs"
    actions = [
      "logs:CreateLogGroup",
      "logs:DeleteLogGroup",
      "logs:DeleteRetentionPolicy",
      "logs:PutRetentionPolicy",
      "logs:TagResource",
      "logs:UntagResource",
    ]
    resources = local.log_group_arns
  }

  statement {
    sid = "Alarms"
    actions = [
      "cloudwatch:DeleteAlarms",
      "cloudwatch:PutMetricAlarm",
      "cloudwatch:TagResource",
      "cloudwatch:UntagResource",
    ]
    resources = local.alarm_arns
  }

  statement {
    sid = "Autoscaling"
    actions = [
      "application-autoscaling:DeleteScalingPolicy",
      "application-autoscaling:DeregisterScalableTarget",
      "application-autoscaling:PutScalingPolicy",
      "application-autoscaling:RegisterScalableTarget",
      "application-autoscaling:TagResource",
      "application-autoscaling:UntagResource",
    ]
    resources = [local.scalable_targets_arn]
  }
}

resource "aws_iam_role" "infra" {
  name                 = "${local.name}-infra"
  description          = "GitHub Actions terragrunt apply of the ${local.name} platform (environment ${var.environment}-infra, infra.yml on main)"
  assume_role_policy   = data.aws_iam_policy_document.trust["infra"].json
  max_session_duration = 3600
  tags                 = var.tags
}

# Plans and applies refresh every resource: the same read policy as the plan role.
resource "aws_iam_role_policy_attachment" "infra_read" {
  role       = aws_iam_role.infra.name
  policy_arn = aws_iam_policy.platform_read.arn
}

resource "aws_iam_role_policy" "infra" {
  name   = "apply-platform"
  role   = aws_iam_role.infra.id
  policy = data.aws_iam_policy_document.infra.json

  lifecycle {
    precondition {
      condition     = var.domain_name == "" || var.hosted_zone_id != ""
      error_message = "domain_name ${var.domain_name} needs hosted_zone_id: the infra role changes records in that zone only."
    }
  }
}
