# infra: terragrunt apply of the platform units (not ci-roles), one document a concern so
# that each stays well under IAM's size limits: the role's own limits (the state it writes
# and what it may do in IAM: inline), and the platform's areas (compute and network here,
# the edge in infra_edge.tf, the alerts in infra_alerts.tf: managed policies).

locals {
  # The environment's state keys, never those of the units an admin applies.
  infra_state = [
    {
      Sid      = "StateWrite"
      Effect   = "Allow"
      Action   = ["s3:DeleteObject", "s3:PutObject"]
      Resource = local.state_keys_arn
    },
    {
      Sid      = "DenyAdminUnitsState"
      Effect   = "Deny"
      Action   = ["s3:DeleteObject", "s3:PutObject"]
      Resource = local.admin_state_keys_arns
    },
  ]

  infra_iam = [
    # The two task roles, only ever with the boundary: what the infra role writes into
    # them is capped by it. Their trust policy is set at creation and never updated.
    {
      Sid    = "TaskRolesWithBoundary"
      Effect = "Allow"
      Action = [
        "iam:AttachRolePolicy",
        "iam:CreateRole",
        "iam:DeleteRole",
        "iam:DeleteRolePolicy",
        "iam:DetachRolePolicy",
        "iam:PutRolePermissionsBoundary",
        "iam:PutRolePolicy",
        "iam:UpdateRoleDescription",
      ]
      Resource  = local.task_role_arns
      Condition = { ArnEquals = { "iam:PermissionsBoundary" = local.boundary_arn } }
    },
    {
      Sid      = "TaskRolesTags"
      Effect   = "Allow"
      Action   = ["iam:TagRole", "iam:UntagRole"]
      Resource = local.task_role_arns
    },
    # Every managed policy of the CI roles (the boundary among them), as ci-roles names
    # them: `<name>-<key>`.
    {
      Sid      = "DenyCiPolicyChanges"
      Effect   = "Deny"
      Action   = "iam:*"
      Resource = [for key in keys(local.managed_policies) : "${local.iam_prefix}:policy/${local.name}-${key}"]
    },
    {
      Sid      = "DenyRemovingBoundaries"
      Effect   = "Deny"
      Action   = "iam:DeleteRolePermissionsBoundary"
      Resource = "${local.iam_prefix}:role/*"
    },
    {
      Sid      = "DenyCiRoles"
      Effect   = "Deny"
      Action   = "iam:*"
      Resource = local.ci_identity_arns
    },
    {
      Sid    = "ServiceLinkedRoles"
      Effect = "Allow"
      Action = "iam:CreateServiceLinkedRole"
      Resource = [
        "${local.iam_prefix}:role/aws-service-role/ecs.amazonaws.com/*",
        "${local.iam_prefix}:role/aws-service-role/elasticloadbalancing.amazonaws.com/*",
        "${local.iam_prefix}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/*",
      ]
    },
  ]

  # The service: its image repository (the environment's own), cluster, service, task
  # definitions, logs, alarms and scaling.
  infra_compute = concat(
    local.register_task_definitions,
    [
      {
        Sid    = "EcrRepository"
        Effect = "Allow"
        Action = [
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
        Resource = var.repository_arn
      },
      {
        Sid    = "EcsClusterAndService"
        Effect = "Allow"
        Action = [
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
        Resource = local.ecs_arns
      },
      {
        Sid    = "TaskDefinitionsDeregister"
        Effect = "Allow"
        Action = "ecs:DeregisterTaskDefinition"
        # aws-api-requires-wildcard: DeregisterTaskDefinition has no resource-level permissions.
        Resource = "*"
      },
      {
        Sid    = "Logs"
        Effect = "Allow"
        Action = [
          "logs:CreateLogGroup",
          "logs:DeleteLogGroup",
          "logs:DeleteRetentionPolicy",
          "logs:PutRetentionPolicy",
          "logs:TagResource",
          "logs:UntagResource",
        ]
        Resource = local.log_group_arns
      },
      {
        Sid      = "Alarms"
        Effect   = "Allow"
        Action   = ["cloudwatch:DeleteAlarms", "cloudwatch:PutMetricAlarm", "cloudwatch:TagResource", "cloudwatch:UntagResource"]
        Resource = local.alarm_arns
      },
      {
        Sid      = "EventRules"
        Effect   = "Allow"
        Action   = ["events:DeleteRule", "events:PutRule", "events:PutTargets", "events:RemoveTargets", "events:TagResource", "events:UntagResource"]
        Resource = local.event_rules_arn
      },
      {
        Sid    = "Autoscaling"
        Effect = "Allow"
        Action = [
          "application-autoscaling:DeleteScalingPolicy",
          "application-autoscaling:DeregisterScalableTarget",
          "application-autoscaling:PutScalingPolicy",
          "application-autoscaling:RegisterScalableTarget",
          "application-autoscaling:TagResource",
          "application-autoscaling:UntagResource",
        ]
        Resource = local.scalable_targets_arn
      },
    ],
  )

  # The load balancer, and the security groups of the project.
  infra_network = [
    {
      Sid    = "LoadBalancer"
      Effect = "Allow"
      Action = [
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
      Resource = [
        local.load_balancer_arn,
        "${local.elb_prefix}:listener/app/${module.names.load_balancer_name}/*",
        "${local.elb_prefix}:listener-rule/app/${module.names.load_balancer_name}/*",
        "${local.elb_prefix}:targetgroup/${local.name}/*",
      ]
    },
    # Security groups are the project's when they carry its default tags (service and
    # environment, from the provider's default_tags): a new group must be created with
    # them, and only groups that have them can be changed, tagged or deleted.
    {
      Sid       = "SecurityGroupCreate"
      Effect    = "Allow"
      Action    = "ec2:CreateSecurityGroup"
      Resource  = "${local.ec2_prefix}:security-group/*"
      Condition = { StringEquals = local.request_tags }
    },
    {
      Sid      = "SecurityGroupCreateInVpc"
      Effect   = "Allow"
      Action   = "ec2:CreateSecurityGroup"
      Resource = "${local.ec2_prefix}:vpc/*"
    },
    {
      Sid       = "SecurityGroupTagOnCreate"
      Effect    = "Allow"
      Action    = "ec2:CreateTags"
      Resource  = "${local.ec2_prefix}:security-group/*"
      Condition = { StringEquals = { "ec2:CreateAction" = "CreateSecurityGroup" } }
    },
    {
      Sid    = "SecurityGroupsOfTheProject"
      Effect = "Allow"
      Action = [
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
      Resource  = "${local.ec2_prefix}:security-group/*"
      Condition = { StringEquals = local.resource_tags }
    },
    # The calls authorised on a rule as well as on its group (a required resource, so the
    # group's tags above decide); a rule has no tags before it exists. Revoking rules and
    # changing their descriptions is authorised on the group only.
    {
      Sid    = "SecurityGroupRules"
      Effect = "Allow"
      Action = [
        "ec2:AuthorizeSecurityGroupEgress",
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:CreateTags",
        "ec2:DeleteTags",
        "ec2:ModifySecurityGroupRules",
      ]
      Resource = "${local.ec2_prefix}:security-group-rule/*"
    },
  ]
}
