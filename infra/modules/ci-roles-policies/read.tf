# The read policies of plans (and an apply's refresh), for the plan and infra roles: the
# state of this environment's platform units only, and describe/list/get of the resource
# types the platform's modules manage (the service and its network; the edge and the
# alerts). No object outside the state, no log events, no secrets.

locals {
  platform_read = [
    # Listing: the environment's keys only (the project uses no workspaces).
    {
      Sid       = "StateList"
      Effect    = "Allow"
      Action    = "s3:ListBucket"
      Resource  = local.state_bucket_arn
      Condition = { StringLike = { "s3:prefix" = "${local.state_prefix}*" } }
    },
    {
      Sid      = "StateRead"
      Effect   = "Allow"
      Action   = "s3:GetObject"
      Resource = local.state_keys_arn
    },
    # No platform unit depends on an admin unit, so neither a plan nor an apply reads
    # their state; a pull request's plan role would otherwise read it all.
    {
      Sid      = "DenyAdminUnitsStateRead"
      Effect   = "Deny"
      Action   = "s3:GetObject"
      Resource = local.admin_state_keys_arns
    },
    # Terragrunt checks the state bucket's settings before it runs OpenTofu.
    {
      Sid    = "StateBucketSettings"
      Effect = "Allow"
      Action = [
        "s3:GetBucketAcl",
        "s3:GetBucketLocation",
        "s3:GetBucketLogging",
        "s3:GetBucketOwnershipControls",
        "s3:GetBucketPolicy",
        "s3:GetBucketPublicAccessBlock",
        "s3:GetBucketTagging",
        "s3:GetBucketVersioning",
        "s3:GetEncryptionConfiguration",
      ]
      Resource = local.state_bucket_arn
    },
    {
      Sid      = "EcrRead"
      Effect   = "Allow"
      Action   = ["ecr:DescribeRepositories", "ecr:GetLifecyclePolicy", "ecr:GetRepositoryPolicy", "ecr:ListTagsForResource"]
      Resource = var.repository_arn
    },
    {
      Sid      = "EcsRead"
      Effect   = "Allow"
      Action   = ["ecs:DescribeClusters", "ecs:DescribeServices", "ecs:ListTagsForResource"]
      Resource = local.ecs_arns
    },
    {
      Sid      = "EventRulesRead"
      Effect   = "Allow"
      Action   = ["events:DescribeRule", "events:ListTagsForResource", "events:ListTargetsByRule"]
      Resource = local.event_rules_arn
    },
    {
      Sid    = "TaskDefinitionsRead"
      Effect = "Allow"
      Action = "ecs:DescribeTaskDefinition"
      # aws-api-requires-wildcard: DescribeTaskDefinition has no resource-level permissions.
      Resource = "*"
    },
    {
      Sid    = "DescribeWithoutResourceLevelPermissions"
      Effect = "Allow"
      Action = [
        "application-autoscaling:DescribeScalableTargets",
        "application-autoscaling:DescribeScalingPolicies",
        "ec2:DescribeAvailabilityZones",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeRouteTables",
        "ec2:DescribeSecurityGroupRules",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets",
        "ec2:DescribeTags",
        "ec2:DescribeVpcs",
        "elasticloadbalancing:DescribeCapacityReservation",
        "elasticloadbalancing:DescribeListenerAttributes",
        "elasticloadbalancing:DescribeListenerCertificates",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeTags",
        "elasticloadbalancing:DescribeTargetGroupAttributes",
        "elasticloadbalancing:DescribeTargetGroups",
        "logs:DescribeLogGroups",
      ]
      # aws-api-requires-wildcard: these Describe calls (autoscaling, EC2, ELBv2, DescribeLogGroups) have no resource-level permissions.
      Resource = "*"
    },
    {
      Sid      = "VpcAttributesRead"
      Effect   = "Allow"
      Action   = "ec2:DescribeVpcAttribute"
      Resource = "${local.ec2_prefix}:vpc/*"
    },
    {
      Sid    = "IamRead"
      Effect = "Allow"
      Action = [
        "iam:GetOpenIDConnectProvider",
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
        "iam:GetRole",
        "iam:GetRolePolicy",
        "iam:ListAttachedRolePolicies",
        "iam:ListInstanceProfilesForRole",
        "iam:ListPolicyVersions",
        "iam:ListRolePolicies",
      ]
      Resource = ["${local.iam_prefix}:role/${local.name}-*", "${local.iam_prefix}:policy/${local.name}-*", var.oidc_provider_arn]
    },
    {
      Sid      = "AlarmsRead"
      Effect   = "Allow"
      Action   = ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"]
      Resource = local.alarm_arns
    },
    {
      Sid      = "LogGroupRead"
      Effect   = "Allow"
      Action   = ["logs:ListTagsForResource", "logs:ListTagsLogGroup"]
      Resource = local.log_group_arns
    },
    {
      Sid      = "AutoscalingTagsRead"
      Effect   = "Allow"
      Action   = "application-autoscaling:ListTagsForResource"
      Resource = local.scalable_targets_arn
    },
  ]

  platform_read_edge = [
    {
      Sid    = "EdgeDescribeWithoutResourceLevelPermissions"
      Effect = "Allow"
      Action = ["acm:ListCertificates", "route53:ListHostedZones", "sns:GetSubscriptionAttributes"]
      # aws-api-requires-wildcard: ListCertificates, ListHostedZones and GetSubscriptionAttributes have no resource-level permissions.
      Resource = "*"
    },
    # The alb module finds its certificate by domain: list, describe, the public
    # certificate and chain (GetCertificate; ACM never returns a private key it issued).
    {
      Sid      = "CertificatesRead"
      Effect   = "Allow"
      Action   = ["acm:DescribeCertificate", "acm:GetCertificate", "acm:ListTagsForCertificate"]
      Resource = local.certificates_arn
    },
    {
      Sid      = "DnsRead"
      Effect   = "Allow"
      Action   = ["route53:GetChange", "route53:GetHostedZone", "route53:ListResourceRecordSets", "route53:ListTagsForResource"]
      Resource = ["arn:${local.partition}:route53:::hostedzone/*", "arn:${local.partition}:route53:::change/*"]
    },
    {
      Sid      = "WebAclRead"
      Effect   = "Allow"
      Action   = ["wafv2:GetLoggingConfiguration", "wafv2:GetWebACL", "wafv2:ListTagsForResource"]
      Resource = local.web_acl_arn
    },
    # Authorised on the web ACL and on the load balancer it protects.
    {
      Sid      = "WebAclOfLoadBalancerRead"
      Effect   = "Allow"
      Action   = "wafv2:GetWebACLForResource"
      Resource = [local.web_acl_arn, local.load_balancer_arn]
    },
    # The ALB's access-log bucket: its configuration, never its objects (ListBucket is the
    # provider's HeadBucket; tags are read through S3 Control's ListTagsForResource).
    {
      Sid    = "LogBucketSettingsRead"
      Effect = "Allow"
      Action = [
        "s3:GetAccelerateConfiguration",
        "s3:GetBucketAcl",
        "s3:GetBucketCORS",
        "s3:GetBucketLocation",
        "s3:GetBucketLogging",
        "s3:GetBucketObjectLockConfiguration",
        "s3:GetBucketOwnershipControls",
        "s3:GetBucketPolicy",
        "s3:GetBucketPublicAccessBlock",
        "s3:GetBucketRequestPayment",
        "s3:GetBucketTagging",
        "s3:GetBucketVersioning",
        "s3:GetBucketWebsite",
        "s3:GetEncryptionConfiguration",
        "s3:GetLifecycleConfiguration",
        "s3:GetReplicationConfiguration",
        "s3:ListBucket",
        "s3:ListTagsForResource",
      ]
      Resource = local.access_logs_bucket_arn
    },
    {
      Sid      = "TopicsRead"
      Effect   = "Allow"
      Action   = ["sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic", "sns:ListTagsForResource"]
      Resource = "arn:${local.partition}:sns:${local.region}:${local.account_id}:${local.name}-*"
    },
  ]
}
