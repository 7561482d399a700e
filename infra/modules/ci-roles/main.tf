# GitHub Actions roles for one environment account. A human admin applies this unit
# at bootstrap (docs/bootstrap.md); the infra role cannot change these roles.
#
# Each role trusts exactly the workflow file, ref and environment that needs it, through
# the repository's OIDC subject template (repo, context, job_workflow_ref):
#   hello-dev-publish   deploy.yml on main, job without environment (the build job)    ECR push
#   hello-<env>-deploy  deploy.yml and release.yml on main, environment <env>           releases
#   hello-<env>-infra   infra.yml on main, environment <env>-infra                      terragrunt apply
#   hello-<env>-plan    infra.yml in pull requests, and on main without environment     read-only plans
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

  # OIDC subjects (`sub`) as the repository's subject template builds them.
  repo_subject = "repo:${var.github_repository}"
  workflows    = "${var.github_repository}/.github/workflows"

  # Names fixed by the ecs-service module (`<name>-execution`, `<name>-task`).
  task_role_arns = [
    "arn:${local.partition}:iam::${local.account_id}:role/${local.name}-execution",
    "arn:${local.partition}:iam::${local.account_id}:role/${local.name}-task",
  ]
  iam_prefix       = "arn:${local.partition}:iam::${local.account_id}"
  ecs_prefix       = "arn:${local.partition}:ecs:${local.region}:${local.account_id}"
  cluster_arn      = "${local.ecs_prefix}:cluster/${local.name}"
  service_arn      = "${local.ecs_prefix}:service/${local.name}/${local.name}"
  task_family_arn  = "${local.ecs_prefix}:task-definition/${local.name}:*"
  elb_prefix       = "arn:${local.partition}:elasticloadbalancing:${local.region}:${local.account_id}"
  ec2_prefix       = "arn:${local.partition}:ec2:${local.region}:${local.account_id}"
  alarm_prefix     = "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm"
  log_group_arn    = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/ecs/${local.name}"
  state_bucket_arn = "arn:${local.partition}:s3:::${var.state_bucket}"
  # Names fixed by the alb module (access_logs.tf, waf.tf) and the alerts module.
  access_logs_bucket_arn = "arn:${local.partition}:s3:::${local.name}-alb-logs-${local.account_id}"
  waf_log_group_arn      = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:aws-waf-logs-${local.name}"
  web_acl_arn            = "arn:${local.partition}:wafv2:${local.region}:${local.account_id}:regional/webacl/${local.name}/*"
  load_balancer_arn      = "${local.elb_prefix}:loadbalancer/app/${local.name}/*"
  alerts_topic_arn       = "arn:${local.partition}:sns:${local.region}:${local.account_id}:${local.name}-alerts"
  alerts_alias_arn       = "arn:${local.partition}:kms:${local.region}:${local.account_id}:alias/${local.name}-alerts"
  kms_keys_arn           = "arn:${local.partition}:kms:${local.region}:${local.account_id}:key/*"
  certificates_arn       = "arn:${local.partition}:acm:${local.region}:${local.account_id}:certificate/*"
  # The environment's public name, when it has one: its certificate and DNS records.
  domains = compact([var.domain_name])
  # State keys are `<env>/<unit>/tofu.tfstate` (infra/live/root.hcl); the bucket may be
  # shared by both environments when they share an account.
  state_prefix  = "${var.environment}/"
  boundary_name = "${local.name}-boundary"
  boundary_arn  = "${local.iam_prefix}:policy/${local.boundary_name}"
  # The CI roles and their OIDC provider: no role this module creates may change them.
  ci_identity_arns = [
    "${local.iam_prefix}:oidc-provider/${local.github_oidc_url}",
    "${local.iam_prefix}:role/${local.name}-deploy",
    "${local.iam_prefix}:role/${local.name}-infra",
    "${local.iam_prefix}:role/${local.name}-plan",
    "${local.iam_prefix}:role/${local.name}-publish",
    "${local.iam_prefix}:role/${local.name}-release-reader",
  ]
  # Dev's alarms (`<service>-dev-*`) when prod promotes from a service in the same account.
  promote_from_alarms = var.promote_from_service_arn == null ? [] : ["${local.alarm_prefix}:${split("/", var.promote_from_service_arn)[2]}-*"]
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

# --- trust: one exact subject per workflow, ref and environment ------------------------

data "aws_iam_policy_document" "trust_publish" {
  statement {
    sid     = "BuildJobOfDeployWorkflowOnMain"
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
      values   = ["${local.repo_subject}:ref:refs/heads/main:job_workflow_ref:${local.workflows}/deploy.yml@refs/heads/main"]
    }
  }
}

data "aws_iam_policy_document" "trust_deploy" {
  statement {
    sid     = "ReleaseWorkflowsOnMain"
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
      values = [
        "${local.repo_subject}:environment:${var.environment}:job_workflow_ref:${local.workflows}/deploy.yml@refs/heads/main",
        "${local.repo_subject}:environment:${var.environment}:job_workflow_ref:${local.workflows}/release.yml@refs/heads/main",
      ]
    }
  }
}

data "aws_iam_policy_document" "trust_infra" {
  statement {
    sid     = "InfraWorkflowOnMain"
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
      values   = ["${local.repo_subject}:environment:${var.environment}-infra:job_workflow_ref:${local.workflows}/infra.yml@refs/heads/main"]
    }
  }
}

data "aws_iam_policy_document" "trust_plan" {
  # The job on main that saves the plan prod-infra applies (no environment).
  statement {
    sid     = "InfraWorkflowOnMain"
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
      values   = ["${local.repo_subject}:ref:refs/heads/main:job_workflow_ref:${local.workflows}/infra.yml@refs/heads/main"]
    }
  }

  # Pull requests of this repository (GitHub gives pull requests from forks no token);
  # the wildcard stands for the pull request number only.
  statement {
    sid     = "InfraWorkflowInPullRequests"
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
      test     = "StringLike"
      variable = "${local.github_oidc_url}:sub"
      values   = ["${local.repo_subject}:pull_request:job_workflow_ref:${local.workflows}/infra.yml@refs/pull/*/merge"]
    }
  }
}

# --- publish (dev): push the build's image, nothing else ------------------------------

data "aws_iam_policy_document" "publish" {
  statement {
    sid     = "EcrAuth"
    actions = ["ecr:GetAuthorizationToken"]
    # aws-api-requires-wildcard: ecr:GetAuthorizationToken has no resource-level permissions.
    resources = ["*"]
  }

  # Read, to refuse a tag that already holds another image and to find the repository's
  # address (`hello-release publish`); push, for the image and its attestations.
  statement {
    sid = "EcrPushAndRead"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:CompleteLayerUpload",
      "ecr:DescribeImages",
      "ecr:DescribeRepositories",
      "ecr:GetDownloadUrlForLayer",
      "ecr:InitiateLayerUpload",
      "ecr:PutImage",
      "ecr:UploadLayerPart",
    ]
    resources = [var.ecr_repository_arn]
  }
}

resource "aws_iam_role" "publish" {
  count = var.repository_in_account ? 1 : 0

  name                 = "${local.name}-publish"
  description          = "GitHub Actions: the build job of deploy.yml on main pushes the image"
  assume_role_policy   = data.aws_iam_policy_document.trust_publish.json
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role_policy" "publish" {
  count = var.repository_in_account ? 1 : 0

  name   = "push-image"
  role   = aws_iam_role.publish[0].id
  policy = data.aws_iam_policy_document.publish.json
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

  # After a stable rollout the release tool tags the deployed digest `<env>-<sha>`: a
  # PutImage of the manifest already in the repository. No layer upload, so no new image
  # (pushing is the publish role's); prod's role also needs the repository policy's grant.
  statement {
    sid       = "EcrReleaseTag"
    actions   = ["ecr:PutImage"]
    resources = [var.ecr_repository_arn]
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

  # RegisterTaskDefinition is authorised on the new revision's ARN, so only the
  # service's family; the roles its revisions may name are limited by PassTaskRoles.
  statement {
    sid       = "TaskDefinitionsRegister"
    actions   = ["ecs:RegisterTaskDefinition"]
    resources = [local.task_family_arn]
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
    sid       = "ServiceRead"
    actions   = ["ecs:DescribeServices"]
    resources = [local.service_arn]
  }

  # A release changes the task definition only: a revision of its own family, ECS Exec
  # stays off, and no network configuration (subnets are required in any awsvpc
  # configuration, so no subnet in the request means the security groups and public IP
  # cannot be sent either).
  statement {
    sid       = "ServiceUpdateImageOnly"
    actions   = ["ecs:UpdateService"]
    resources = [local.service_arn]

    condition {
      test     = "ArnLike"
      variable = "ecs:task-definition"
      values   = [local.task_family_arn]
    }

    condition {
      test     = "BoolIfExists"
      variable = "ecs:enable-execute-command"
      values   = ["false"]
    }

    condition {
      test     = "Null"
      variable = "ecs:subnet"
      values   = ["true"]
    }

    condition {
      test     = "Null"
      variable = "ecs:auto-assign-public-ip"
      values   = ["true"]
    }
  }

  # Deployment alarms: the release tool names the alarm that rolled a release back, and
  # promotion checks dev's alarms (same account here, else through dev's release-reader).
  statement {
    sid       = "AlarmsRead"
    actions   = ["cloudwatch:DescribeAlarms"]
    resources = ["${local.alarm_prefix}:${local.name}-*"]
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
    for_each = local.promote_from_alarms

    content {
      sid       = "PromotionSourceAlarmsRead"
      actions   = ["cloudwatch:DescribeAlarms"]
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
      "elasticloadbalancing:DescribeListeners",
      "elasticloadbalancing:DescribeLoadBalancers",
      "elasticloadbalancing:DescribeTargetGroups",
      "elasticloadbalancing:DescribeTargetHealth",
    ]
    # aws-api-requires-wildcard: elasticloadbalancing Describe* calls have no resource-level permissions.
    resources = ["*"]
  }

  # `verify` reads the domain of the HTTPS listener's certificate.
  statement {
    sid       = "CertificateRead"
    actions   = ["acm:DescribeCertificate"]
    resources = [local.certificates_arn]
  }
}

resource "aws_iam_role" "deploy" {
  name                 = "${local.name}-deploy"
  description          = "GitHub Actions releases of ${local.name} (environment ${var.environment}, deploy.yml and release.yml on main)"
  assume_role_policy   = data.aws_iam_policy_document.trust_deploy.json
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

  # Promotion requires every deployment alarm of this service to be OK.
  statement {
    sid       = "AlarmsRead"
    actions   = ["cloudwatch:DescribeAlarms"]
    resources = ["${local.alarm_prefix}:${local.name}-*"]
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

# --- permissions boundary: the most any role the infra role manages can ever do ------

# The infra role may create and change roles only with this boundary attached
# (iam:PermissionsBoundary), and nothing may change the boundary itself: a role it
# makes can pull the image and write the service's logs, never touch IAM.
data "aws_iam_policy_document" "boundary" {
  statement {
    sid     = "EcrAuth"
    actions = ["ecr:GetAuthorizationToken"]
    # aws-api-requires-wildcard: ecr:GetAuthorizationToken has no resource-level permissions.
    resources = ["*"]
  }

  statement {
    sid = "PullImage"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
    ]
    resources = [var.ecr_repository_arn]
  }

  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.log_group_arn}:log-stream:*"]
  }

  # Belt and braces: even a policy that allows IAM gets nothing through this boundary.
  statement {
    sid     = "DenyIam"
    effect  = "Deny"
    actions = ["iam:*"]
    # aws-api-requires-wildcard: a Deny of every IAM call on every resource, including the calls that have no resource-level permissions.
    resources = ["*"]
  }
}

resource "aws_iam_policy" "boundary" {
  name        = local.boundary_name
  description = "Permissions boundary of the roles the ${local.name} infra role manages: pull the image, write logs, no IAM"
  policy      = data.aws_iam_policy_document.boundary.json
  tags        = var.tags
}

# --- platform read: what a plan (and an apply's refresh) reads ----------------------

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
    resources = ["${local.state_bucket_arn}/${local.state_prefix}*"]
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
    resources = [local.cluster_arn, local.service_arn, local.task_family_arn]
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
    resources = ["${local.alarm_prefix}:${local.name}-*", "${local.alarm_prefix}:TargetTracking-service/${local.name}/*"]
  }

  statement {
    sid       = "LogGroupRead"
    actions   = ["logs:ListTagsForResource", "logs:ListTagsLogGroup"]
    resources = ["${local.log_group_arn}*", "${local.waf_log_group_arn}*"]
  }

  statement {
    sid       = "AutoscalingTagsRead"
    actions   = ["application-autoscaling:ListTagsForResource"]
    resources = ["arn:${local.partition}:application-autoscaling:${local.region}:${local.account_id}:scalable-target/*"]
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

# --- infra: terragrunt apply of the platform units (not this one) ------------------

data "aws_iam_policy_document" "infra" {
  statement {
    sid       = "StateWrite"
    actions   = ["s3:DeleteObject", "s3:PutObject"]
    resources = ["${local.state_bucket_arn}/${local.state_prefix}*"]
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
    resources = [local.cluster_arn, local.service_arn, local.task_family_arn]
  }

  statement {
    sid       = "TaskDefinitionsRegister"
    actions   = ["ecs:RegisterTaskDefinition"]
    resources = [local.task_family_arn]
  }

  statement {
    sid     = "TaskDefinitionsDeregister"
    actions = ["ecs:DeregisterTaskDefinition"]
    # aws-api-requires-wildcard: DeregisterTaskDefinition has no resource-level permissions.
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
    resources = ["${local.log_group_arn}*", "${local.waf_log_group_arn}*"]
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
      "${local.alarm_prefix}:${local.name}-*",
      # The alarms target tracking creates for the service's scaling policy.
      "${local.alarm_prefix}:TargetTracking-service/${local.name}/*",
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

  # --- edge (alb module): certificate, DNS records, access-log bucket, web ACL --------

  # A certificate for the environment's domain only, validated through DNS, carrying the
  # project's tags from its request on (the provider tags it in RequestCertificate).
  dynamic "statement" {
    for_each = local.domains

    content {
      sid     = "CertificateRequest"
      actions = ["acm:RequestCertificate"]
      # aws-api-requires-wildcard: RequestCertificate has no certificate ARN before the certificate exists; the domain, validation method and request tags scope it.
      resources = ["*"]

      condition {
        test     = "ForAllValues:StringEquals"
        variable = "acm:DomainNames"
        values   = [statement.value]
      }

      condition {
        test     = "StringEquals"
        variable = "acm:ValidationMethod"
        values   = ["DNS"]
      }

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
  }

  # Tagging on request is authorised as AddTagsToCertificate too. It may only add the
  # project's tags, and never to a certificate another environment or project has tagged.
  dynamic "statement" {
    for_each = local.domains

    content {
      sid     = "CertificateTagOnRequest"
      actions = ["acm:AddTagsToCertificate"]
      # aws-api-requires-wildcard: tagging inside RequestCertificate is authorised before the certificate has an ARN; the request and resource tag conditions scope it.
      resources = ["*"]

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

      condition {
        test     = "StringEqualsIfExists"
        variable = "aws:ResourceTag/service"
        values   = [var.service]
      }

      condition {
        test     = "StringEqualsIfExists"
        variable = "aws:ResourceTag/environment"
        values   = [var.environment]
      }
    }
  }

  dynamic "statement" {
    for_each = local.domains

    content {
      sid = "CertificatesOfTheEnvironment"
      actions = [
        "acm:AddTagsToCertificate",
        "acm:DeleteCertificate",
        "acm:RemoveTagsFromCertificate",
      ]
      resources = [local.certificates_arn]

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

  # Records in the environment's own hosted zone, for its domain only: the alias records
  # (A, AAAA) and the certificate's validation record (a CNAME named `_<token>.<domain>`).
  dynamic "statement" {
    for_each = local.domains

    content {
      sid       = "DnsRecordsOfTheDomain"
      actions   = ["route53:ChangeResourceRecordSets"]
      resources = ["arn:${local.partition}:route53:::hostedzone/${var.hosted_zone_id}"]

      condition {
        test     = "ForAllValues:StringLike"
        variable = "route53:ChangeResourceRecordSetsNormalizedRecordNames"
        values   = [statement.value, "_*.${statement.value}"]
      }

      condition {
        test     = "ForAllValues:StringEquals"
        variable = "route53:ChangeResourceRecordSetsRecordTypes"
        values   = ["A", "AAAA", "CNAME"]
      }
    }
  }

  # The access-log bucket and its settings. Tags go through PutBucketTagging or, in newer
  # provider versions, S3 Control's TagResource and UntagResource.
  statement {
    sid = "AccessLogBucket"
    actions = [
      "s3:CreateBucket",
      "s3:DeleteBucket",
      "s3:DeleteBucketPolicy",
      "s3:PutBucketOwnershipControls",
      "s3:PutBucketPolicy",
      "s3:PutBucketPublicAccessBlock",
      "s3:PutBucketTagging",
      "s3:PutBucketVersioning",
      "s3:PutEncryptionConfiguration",
      "s3:PutLifecycleConfiguration",
      "s3:TagResource",
      "s3:UntagResource",
    ]
    resources = [local.access_logs_bucket_arn]
  }

  # Without deletion protection (dev) the alb module destroys the bucket with its logs
  # (force_destroy): every version and delete marker goes first. Prod's logs stay.
  dynamic "statement" {
    for_each = var.deletion_protection ? [] : [1]

    content {
      sid       = "AccessLogBucketEmpty"
      actions   = ["s3:ListBucketVersions"]
      resources = [local.access_logs_bucket_arn]
    }
  }

  dynamic "statement" {
    for_each = var.deletion_protection ? [] : [1]

    content {
      sid       = "AccessLogObjectsDelete"
      actions   = ["s3:DeleteObject", "s3:DeleteObjectVersion"]
      resources = ["${local.access_logs_bucket_arn}/*"]
    }
  }

  # Managing the bucket policy could grant the role the logs themselves: an explicit deny
  # here outweighs any such grant (same account), so it never reads or writes a log and,
  # with deletion protection, never deletes one.
  statement {
    sid       = "DenyAccessLogObjects"
    effect    = "Deny"
    actions   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]
    resources = ["${local.access_logs_bucket_arn}/*"]
  }

  dynamic "statement" {
    for_each = var.deletion_protection ? [1] : []

    content {
      sid       = "DenyAccessLogObjectsDelete"
      effect    = "Deny"
      actions   = ["s3:DeleteObject", "s3:DeleteObjectVersion"]
      resources = ["${local.access_logs_bucket_arn}/*"]
    }
  }

  # The environment's web ACL; creating or updating it with AWS managed rule groups is
  # authorised on those rule groups too.
  statement {
    sid = "WebAcl"
    actions = [
      "wafv2:CreateWebACL",
      "wafv2:DeleteLoggingConfiguration",
      "wafv2:DeleteWebACL",
      "wafv2:TagResource",
      "wafv2:UntagResource",
      "wafv2:UpdateWebACL",
    ]
    resources = [local.web_acl_arn]
  }

  statement {
    sid       = "WebAclManagedRuleGroups"
    actions   = ["wafv2:CreateWebACL", "wafv2:UpdateWebACL"]
    resources = ["arn:${local.partition}:wafv2:${local.region}:${local.account_id}:regional/managedruleset/*/*"]
  }

  # Attaching is authorised on the web ACL and the load balancer, detaching on the load
  # balancer; ELB's own SetWebAcl comes with both.
  statement {
    sid       = "WebAclAssociation"
    actions   = ["wafv2:AssociateWebACL"]
    resources = [local.web_acl_arn, local.load_balancer_arn]
  }

  statement {
    sid       = "WebAclDisassociation"
    actions   = ["wafv2:DisassociateWebACL"]
    resources = [local.load_balancer_arn]
  }

  statement {
    sid     = "LoadBalancerWebAcl"
    actions = ["elasticloadbalancing:SetWebAcl"]
    # aws-api-requires-wildcard: elasticloadbalancing:SetWebAcl has no resource-level permissions; wafv2:AssociateWebACL (WebAclAssociation) names the ACL and the load balancer.
    resources = ["*"]
  }

  # The web ACL logs to the environment's aws-waf-logs- log group only.
  statement {
    sid       = "WebAclLogging"
    actions   = ["wafv2:PutLoggingConfiguration"]
    resources = [local.web_acl_arn]

    condition {
      test     = "ArnLike"
      variable = "wafv2:LogDestinationResource"
      values   = ["${local.waf_log_group_arn}*"]
    }
  }

  # WAF delivers its logs as CloudWatch Logs vended logs: the caller creates the delivery
  # and lets WAF add the log group resource policy it writes through.
  statement {
    sid = "WebAclLogDelivery"
    actions = [
      "logs:CreateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:DescribeResourcePolicies",
      "logs:PutResourcePolicy",
    ]
    # aws-api-requires-wildcard: CreateLogDelivery, DeleteLogDelivery, DescribeResourcePolicies and PutResourcePolicy have no resource-level permissions.
    resources = ["*"]
  }

  # --- alerts module: the topic's KMS key and alias, the topic, its subscriptions ------

  # Keys have IDs, not names: the alerts key is the project's by its tags, set when it
  # is created (the provider tags it in CreateKey, which needs TagResource on every key).
  statement {
    sid     = "AlertsKeyCreate"
    actions = ["kms:CreateKey"]
    # aws-api-requires-wildcard: CreateKey has no key ARN before the key exists; the request tag conditions scope it.
    resources = ["*"]

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
    sid       = "AlertsKeyTagOnCreate"
    actions   = ["kms:TagResource"]
    resources = [local.kms_keys_arn]

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

    # Never onto a key another environment or project has tagged.
    condition {
      test     = "StringEqualsIfExists"
      variable = "aws:ResourceTag/service"
      values   = [var.service]
    }

    condition {
      test     = "StringEqualsIfExists"
      variable = "aws:ResourceTag/environment"
      values   = [var.environment]
    }
  }

  statement {
    sid = "AlertsKeyOfTheEnvironment"
    actions = [
      "kms:CreateAlias",
      "kms:DeleteAlias",
      "kms:EnableKeyRotation",
      "kms:PutKeyPolicy",
      "kms:ScheduleKeyDeletion",
      "kms:TagResource",
      "kms:UntagResource",
      "kms:UpdateAlias",
      "kms:UpdateKeyDescription",
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

  # An alias call is authorised on the alias and on its key (AlertsKeyOfTheEnvironment).
  statement {
    sid       = "AlertsKeyAlias"
    actions   = ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"]
    resources = [local.alerts_alias_arn]
  }

  statement {
    sid = "AlertsTopic"
    actions = [
      "sns:CreateTopic",
      "sns:DeleteTopic",
      "sns:SetTopicAttributes",
      "sns:TagResource",
      "sns:UntagResource",
    ]
    resources = [local.alerts_topic_arn]
  }

  # Alerts go out by e-mail only.
  statement {
    sid       = "AlertsTopicSubscribe"
    actions   = ["sns:Subscribe"]
    resources = [local.alerts_topic_arn]

    condition {
      test     = "StringEquals"
      variable = "sns:Protocol"
      values   = ["email"]
    }
  }

  statement {
    sid     = "AlertsTopicUnsubscribe"
    actions = ["sns:Unsubscribe"]
    # aws-api-requires-wildcard: sns:Unsubscribe has no resource-level permissions.
    resources = ["*"]
  }
}

resource "aws_iam_role" "infra" {
  name                 = "${local.name}-infra"
  description          = "GitHub Actions terragrunt apply of the ${local.name} platform (environment ${var.environment}-infra, infra.yml on main)"
  assume_role_policy   = data.aws_iam_policy_document.trust_infra.json
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

# --- plan: read-only, for pull requests and the saved prod plan ----------------------

# Plans run with -lock=false, so no lock object is written: the read policy is all.
resource "aws_iam_role" "plan" {
  name                 = "${local.name}-plan"
  description          = "GitHub Actions read-only plans of ${local.name} (infra.yml: pull requests, and main)"
  assume_role_policy   = data.aws_iam_policy_document.trust_plan.json
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role_policy_attachment" "plan_read" {
  role       = aws_iam_role.plan.name
  policy_arn = aws_iam_policy.platform_read.arn
}
