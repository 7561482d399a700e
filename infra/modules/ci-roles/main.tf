# GitHub Actions roles for one environment account. A human admin applies this unit
# at bootstrap (docs/bootstrap.md); the infra role cannot change these roles.
#
#   hello-<env>-deploy  repo:<org>/<repo>:environment:<env>         releases (the pipeline)
#   hello-<env>-infra   repo:<org>/<repo>:environment:<env>-infra   terragrunt apply of the platform units
#   hello-<env>-plan    repo:<org>/<repo>:pull_request              read-only plans (run with -lock=false)
#   hello-dev-release-reader  prod's deploy role, when prod is another account: reads dev's service
#
# Statements whose Resource is "*" carry an `aws-api-requires-wildcard:` comment naming
# the API that has no resource-level permissions; infra/tests checks that.

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  github_oidc_url = "token.actions.githubusercontent.com"
  account_id      = data.aws_caller_identity.current.account_id
  region          = data.aws_region.current.region
  partition       = data.aws_partition.current.partition
  name            = "${var.service}-${var.environment}"
  oidc_arn        = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : data.aws_iam_openid_connect_provider.github[0].arn

  # Names fixed by the ecs-service module (`<name>-execution`, `<name>-task`).
  task_role_arns = [
    "arn:${local.partition}:iam::${local.account_id}:role/${local.name}-execution",
    "arn:${local.partition}:iam::${local.account_id}:role/${local.name}-task",
  ]
  ecs_prefix       = "arn:${local.partition}:ecs:${local.region}:${local.account_id}"
  cluster_arn      = "${local.ecs_prefix}:cluster/${local.name}"
  service_arn      = "${local.ecs_prefix}:service/${local.name}/${local.name}"
  task_family_arn  = "${local.ecs_prefix}:task-definition/${local.name}:*"
  elb_prefix       = "arn:${local.partition}:elasticloadbalancing:${local.region}:${local.account_id}"
  state_bucket_arn = "arn:${local.partition}:s3:::${var.state_bucket}"
}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url            = "https://${local.github_oidc_url}"
  client_id_list = ["sts.amazonaws.com"]
  tags           = var.tags
}

data "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 0 : 1

  url = "https://${local.github_oidc_url}"
}

data "aws_iam_policy_document" "trust" {
  for_each = {
    deploy = "repo:${var.github_repository}:environment:${var.environment}"
    infra  = "repo:${var.github_repository}:environment:${var.environment}-infra"
    plan   = "repo:${var.github_repository}:pull_request"
  }

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.oidc_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.github_oidc_url}:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.github_oidc_url}:sub"
      values   = [each.value]
    }
  }
}

# --- deploy: exactly what a release does -------------------------------------------

data "aws_iam_policy_document" "deploy" {
  statement {
    sid     = "EcrAuth"
    actions = ["ecr:GetAuthorizationToken"]
    # aws-api-requires-wildcard: ecr:GetAuthorizationToken has no resource-level permissions.
    resources = ["*"]
  }

  statement {
    sid = "EcrRead"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:DescribeImages",
      "ecr:DescribeRepositories",
      "ecr:GetDownloadUrlForLayer",
    ]
    resources = [var.ecr_repository_arn]
  }

  dynamic "statement" {
    for_each = var.repository_in_account ? [1] : []

    content {
      sid = "EcrPush"
      actions = [
        "ecr:CompleteLayerUpload",
        "ecr:InitiateLayerUpload",
        "ecr:PutImage",
        "ecr:UploadLayerPart",
      ]
      resources = [var.ecr_repository_arn]
    }
  }

  statement {
    sid = "TaskDefinitionsRead"
    actions = [
      "ecs:DescribeTaskDefinition",
      "ecs:ListTaskDefinitions",
    ]
    # aws-api-requires-wildcard: DescribeTaskDefinition and ListTaskDefinitions have no resource-level permissions.
    resources = ["*"]
  }

  statement {
    # The release tool reads the revision=<sha> tag with DescribeTaskDefinition(include=TAGS).
    sid       = "TaskDefinitionTagsRead"
    actions   = ["ecs:ListTagsForResource"]
    resources = [local.task_family_arn]
  }

  statement {
    sid     = "TaskDefinitionsRegister"
    actions = ["ecs:RegisterTaskDefinition"]
    # aws-api-requires-wildcard: RegisterTaskDefinition has no resource-level permissions (the family does not exist as an ARN before the call).
    resources = ["*"]
  }

  statement {
    sid       = "TaskDefinitionsTag"
    actions   = ["ecs:TagResource"]
    resources = [local.task_family_arn]

    condition {
      test     = "StringEquals"
      variable = "ecs:CreateAction"
      values   = ["RegisterTaskDefinition"]
    }
  }

  statement {
    sid       = "Service"
    actions   = ["ecs:DescribeServices", "ecs:UpdateService"]
    resources = [local.service_arn]
  }

  # Promotion (prod): the release tool checks that dev runs the image healthy before
  # deploying it here; dev's service is read directly (same account) or through dev's
  # release-reader role (separate accounts).
  dynamic "statement" {
    for_each = var.promote_from_service_arn == null ? [] : [var.promote_from_service_arn]

    content {
      sid       = "PromotionSourceRead"
      actions   = ["ecs:DescribeServices"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = var.promote_from_role_arn == null ? [] : [var.promote_from_role_arn]

    content {
      sid       = "PromotionSourceAssume"
      actions   = ["sts:AssumeRole"]
      resources = [statement.value]
    }
  }

  statement {
    sid     = "TasksList"
    actions = ["ecs:ListTasks"]
    # aws-api-requires-wildcard: ListTasks is authorised on container instances, which Fargate has none of; the ecs:cluster condition scopes it.
    resources = ["*"]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [local.cluster_arn]
    }
  }

  statement {
    sid       = "TasksDescribe"
    actions   = ["ecs:DescribeTasks"]
    resources = ["${local.ecs_prefix}:task/${local.name}/*"]
  }

  statement {
    sid       = "PassTaskRoles"
    actions   = ["iam:PassRole"]
    resources = local.task_role_arns

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  statement {
    sid = "LoadBalancerRead"
    actions = [
      "elasticloadbalancing:DescribeLoadBalancers",
      "elasticloadbalancing:DescribeTargetGroups",
      "elasticloadbalancing:DescribeTargetHealth",
    ]
    # aws-api-requires-wildcard: elasticloadbalancing Describe* calls have no resource-level permissions.
    resources = ["*"]
  }
}

resource "aws_iam_role" "deploy" {
  name                 = "${local.name}-deploy"
  description          = "GitHub Actions releases of ${local.name} (environment ${var.environment})"
  assume_role_policy   = data.aws_iam_policy_document.trust["deploy"].json
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role_policy" "deploy" {
  name   = "release"
  role   = aws_iam_role.deploy.id
  policy = data.aws_iam_policy_document.deploy.json
}

# --- release-reader (dev): what prod's deploy role may read of dev when promoting ---

data "aws_iam_policy_document" "release_reader_trust" {
  count = length(var.release_reader_trusted_role_arns) > 0 ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]

    # The account as principal plus the exact role in a condition: IAM refuses a trust
    # policy naming a role that does not exist yet, and this one may be applied first.
    principals {
      type        = "AWS"
      identifiers = distinct([for arn in var.release_reader_trusted_role_arns : "arn:${local.partition}:iam::${split(":", arn)[4]}:root"])
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:PrincipalArn"
      values   = var.release_reader_trusted_role_arns
    }
  }
}

data "aws_iam_policy_document" "release_reader" {
  statement {
    sid       = "Service"
    actions   = ["ecs:DescribeServices"]
    resources = [local.service_arn]
  }

  statement {
    sid     = "TaskDefinitionsRead"
    actions = ["ecs:DescribeTaskDefinition"]
    # aws-api-requires-wildcard: DescribeTaskDefinition has no resource-level permissions.
    resources = ["*"]
  }

  statement {
    # The release tool reads the revision=<sha> tag with DescribeTaskDefinition(include=TAGS).
    sid       = "TaskDefinitionTagsRead"
    actions   = ["ecs:ListTagsForResource"]
    resources = [local.task_family_arn]
  }
}

resource "aws_iam_role" "release_reader" {
  count = length(var.release_reader_trusted_role_arns) > 0 ? 1 : 0

  name                 = "${local.name}-release-reader"
  description          = "Read-only view of ${local.name}'s service for promotions from another account"
  assume_role_policy   = data.aws_iam_policy_document.release_reader_trust[0].json
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role_policy" "release_reader" {
  count = length(var.release_reader_trusted_role_arns) > 0 ? 1 : 0

  name   = "read-service"
  role   = aws_iam_role.release_reader[0].id
  policy = data.aws_iam_policy_document.release_reader.json
}

# --- infra: terragrunt apply of the platform units (not this one) ------------------

data "aws_iam_policy_document" "infra" {
  statement {
    sid       = "StateList"
    actions   = ["s3:ListBucket"]
    resources = [local.state_bucket_arn]
  }

  statement {
    sid       = "StateObjects"
    actions   = ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
    resources = ["${local.state_bucket_arn}/*"]
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
    resources = [local.cluster_arn, local.service_arn, local.task_family_arn]
  }

  statement {
    sid = "EcsTaskDefinitions"
    actions = [
      "ecs:DeregisterTaskDefinition",
      "ecs:RegisterTaskDefinition",
    ]
    # aws-api-requires-wildcard: Register/DeregisterTaskDefinition have no resource-level permissions.
    resources = ["*"]
  }

  statement {
    sid       = "PassTaskRoles"
    actions   = ["iam:PassRole"]
    resources = local.task_role_arns

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  statement {
    sid = "TaskRoles"
    actions = [
      "iam:CreateRole",
      "iam:DeleteRole",
      "iam:DeleteRolePolicy",
      "iam:PutRolePolicy",
      "iam:TagRole",
      "iam:UntagRole",
      "iam:UpdateAssumeRolePolicy",
      "iam:UpdateRoleDescription",
    ]
    resources = local.task_role_arns
  }

  statement {
    sid     = "ServiceLinkedRoles"
    actions = ["iam:CreateServiceLinkedRole"]
    resources = [
      "arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/ecs.amazonaws.com/*",
      "arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/elasticloadbalancing.amazonaws.com/*",
      "arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/*",
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
      "elasticloadbalancing:SetSecurityGroups",
      "elasticloadbalancing:SetSubnets",
    ]
    resources = [
      "${local.elb_prefix}:loadbalancer/app/${local.name}/*",
      "${local.elb_prefix}:listener/app/${local.name}/*",
      "${local.elb_prefix}:listener-rule/app/${local.name}/*",
      "${local.elb_prefix}:targetgroup/${local.name}/*",
    ]
  }

  statement {
    sid = "SecurityGroups"
    actions = [
      "ec2:AuthorizeSecurityGroupEgress",
      "ec2:AuthorizeSecurityGroupIngress",
      "ec2:CreateSecurityGroup",
      "ec2:CreateTags",
      "ec2:DeleteSecurityGroup",
      "ec2:DeleteTags",
      "ec2:ModifySecurityGroupRules",
      "ec2:RevokeSecurityGroupEgress",
      "ec2:RevokeSecurityGroupIngress",
      "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
      "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
    ]
    # Security group IDs are generated, so this is any group of the account (and the VPC
    # CreateSecurityGroup needs); the task-role and ELB statements keep the blast radius small.
    resources = [
      "arn:${local.partition}:ec2:${local.region}:${local.account_id}:security-group/*",
      "arn:${local.partition}:ec2:${local.region}:${local.account_id}:security-group-rule/*",
      "arn:${local.partition}:ec2:${local.region}:${local.account_id}:vpc/*",
    ]
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
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/ecs/${local.name}*"]
  }

  statement {
    sid = "Alarms"
    actions = [
      "cloudwatch:DeleteAlarms",
      "cloudwatch:PutMetricAlarm",
      "cloudwatch:TagResource",
      "cloudwatch:UntagResource",
    ]
    resources = [
      "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:${local.name}-*",
      # The alarms target tracking creates for the service's scaling policy.
      "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:TargetTracking-service/${local.name}/*",
    ]
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
    resources = ["arn:${local.partition}:application-autoscaling:${local.region}:${local.account_id}:scalable-target/*"]
  }
}

resource "aws_iam_role" "infra" {
  name                 = "${local.name}-infra"
  description          = "GitHub Actions terragrunt apply of the ${local.name} platform (environment ${var.environment}-infra)"
  assume_role_policy   = data.aws_iam_policy_document.trust["infra"].json
  max_session_duration = 3600
  tags                 = var.tags
}

# Plans and applies refresh every resource, so the infra role reads everything.
resource "aws_iam_role_policy_attachment" "infra_read" {
  role       = aws_iam_role.infra.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_iam_role_policy" "infra" {
  name   = "apply-platform"
  role   = aws_iam_role.infra.id
  policy = data.aws_iam_policy_document.infra.json
}

# --- plan: read-only, for pull requests ---------------------------------------------

data "aws_iam_policy_document" "plan" {
  statement {
    sid       = "StateList"
    actions   = ["s3:ListBucket"]
    resources = [local.state_bucket_arn]
  }

  # Read only: plans run with -lock=false, so no lock object is written.
  statement {
    sid       = "StateRead"
    actions   = ["s3:GetObject"]
    resources = ["${local.state_bucket_arn}/*"]
  }
}

resource "aws_iam_role" "plan" {
  name                 = "${local.name}-plan"
  description          = "GitHub Actions read-only plans of ${local.name} on pull requests"
  assume_role_policy   = data.aws_iam_policy_document.trust["plan"].json
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role_policy_attachment" "plan_read" {
  role       = aws_iam_role.plan.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_iam_role_policy" "plan" {
  name   = "read-state"
  role   = aws_iam_role.plan.id
  policy = data.aws_iam_policy_document.plan.json
}
