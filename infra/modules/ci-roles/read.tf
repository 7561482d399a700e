# The platform read policy: what a plan (and an apply's refresh) reads, for the plan and
# infra roles.

# The state of this environment only, and describe/list/get of the resource types the
# platform's modules manage. No object outside the state, no log events, no secrets.
data "aws_iam_policy_document" "platform_read" {
  # Listing: the environment's keys, and `env:/`, where the S3 backend looks for
  # workspaces other than default (this project has none).
  statement {
    sid       = "StateList"
    actions   = ["s3:ListBucket"]
    resources = [local.state_bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${local.state_prefix}*", "env:/*"]
    }
  }

  statement {
    sid       = "StateRead"
    actions   = ["s3:GetObject"]
    resources = [local.state_keys_arn]
  }

  # Terragrunt checks the state bucket's settings before it runs OpenTofu.
  statement {
    sid = "StateBucketSettings"
    actions = [
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
    resources = [local.state_bucket_arn]
  }

  statement {
    sid = "EcrRead"
    actions = [
      "ecr:DescribeRepositories",
      "ecr:GetLifecyclePolicy",
      "ecr:GetRepositoryPolicy",
      "ecr:ListTagsForResource",
    ]
    resources = [var.ecr_repository_arn]
  }

  statement {
    sid = "EcsRead"
    actions = [
      "ecs:DescribeClusters",
      "ecs:DescribeServices",
      "ecs:ListTagsForResource",
    ]
    resources = local.ecs_arns
  }

  statement {
    sid     = "TaskDefinitionsRead"
    actions = ["ecs:DescribeTaskDefinition"]
    # aws-api-requires-wildcard: DescribeTaskDefinition has no resource-level permissions.
    resources = ["*"]
  }

  statement {
    sid = "DescribeWithoutResourceLevelPermissions"
    actions = [
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
      "kms:ListAliases",
      "logs:DescribeLogGroups",
      "route53:ListHostedZones",
      "sns:GetSubscriptionAttributes",
    ]
    # aws-api-requires-wildcard: these Describe/List calls (autoscaling, EC2, ELBv2, ListAliases, DescribeLogGroups, ListHostedZones, GetSubscriptionAttributes) have no resource-level permissions.
    resources = ["*"]
  }

  statement {
    sid       = "VpcAttributesRead"
    actions   = ["ec2:DescribeVpcAttribute"]
    resources = ["${local.ec2_prefix}:vpc/*"]
  }

  statement {
    sid = "IamRead"
    actions = [
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
    resources = [
      "${local.iam_prefix}:role/${local.name}-*",
      "${local.iam_prefix}:policy/${local.name}-*",
      "${local.iam_prefix}:oidc-provider/${local.github_oidc_url}",
    ]
  }

  statement {
    sid       = "AlarmsRead"
    actions   = ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"]
    resources = local.alarm_arns
  }

  statement {
    sid       = "LogGroupRead"
    actions   = ["logs:ListTagsForResource", "logs:ListTagsLogGroup"]
    resources = local.log_group_arns
  }

  statement {
    sid       = "AutoscalingTagsRead"
    actions   = ["application-autoscaling:ListTagsForResource"]
    resources = [local.scalable_targets_arn]
  }

  statement {
    sid       = "CertificatesRead"
    actions   = ["acm:DescribeCertificate", "acm:ListTagsForCertificate"]
    resources = [local.certificates_arn]
  }

  statement {
    sid     = "DnsRead"
    actions = ["route53:GetChange", "route53:GetHostedZone", "route53:ListResourceRecordSets", "route53:ListTagsForResource"]
    resources = [
      "arn:${local.partition}:route53:::hostedzone/*",
      "arn:${local.partition}:route53:::change/*",
    ]
  }

  statement {
    sid       = "WebAclRead"
    actions   = ["wafv2:GetLoggingConfiguration", "wafv2:GetWebACL", "wafv2:ListTagsForResource"]
    resources = [local.web_acl_arn]
  }

  # Authorised on the web ACL and on the load balancer it protects.
  statement {
    sid       = "WebAclOfLoadBalancerRead"
    actions   = ["wafv2:GetWebACLForResource"]
    resources = [local.web_acl_arn, local.load_balancer_arn]
  }

  # The ALB's access-log bucket: its configuration, never its objects (ListBucket is the
  # provider's HeadBucket; tags are read through S3 Control's ListTagsForResource).
  statement {
    sid = "LogBucketSettingsRead"
    actions = [
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
    resources = [local.access_logs_bucket_arn]
  }

  statement {
    sid = "TopicsRead"
    actions = [
      "sns:GetTopicAttributes",
      "sns:ListSubscriptionsByTopic",
      "sns:ListTagsForResource",
    ]
    resources = ["arn:${local.partition}:sns:${local.region}:${local.account_id}:${local.name}-*"]
  }

  # The alerts topic's key: keys are found by the project's tags (their ARNs are IDs).
  statement {
    sid = "KeysRead"
    actions = [
      "kms:DescribeKey",
      "kms:GetKeyPolicy",
      "kms:GetKeyRotationStatus",
      "kms:ListResourceTags",
    ]
    resources = [local.kms_keys_arn]

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
}

resource "aws_iam_policy" "platform_read" {
  name        = "${local.name}-platform-read"
  description = "What a plan of ${local.name} reads: its state and the platform's resource settings"
  policy      = data.aws_iam_policy_document.platform_read.json
  tags        = var.tags
}
