# deploy: exactly what a release does.

data "aws_iam_policy_document" "deploy" {
  source_policy_documents = [
    data.aws_iam_policy_document.ecr_read.json,
    # The release tool reads this service as promotion reads dev's (release_reader.tf).
    data.aws_iam_policy_document.release_reader.json,
    data.aws_iam_policy_document.register_task_definitions.json,
  ]

  # After a stable rollout the release tool tags the deployed digest `<env>-<sha>`: a
  # PutImage of the manifest already in the repository. No layer upload, so no new image
  # (pushing is the publish role's); prod's role also needs the repository policy's grant.
  statement {
    sid       = "EcrReleaseTag"
    actions   = ["ecr:PutImage"]
    resources = [var.ecr_repository_arn]
  }

  statement {
    sid     = "TaskDefinitionsList"
    actions = ["ecs:ListTaskDefinitions"]
    # aws-api-requires-wildcard: ListTaskDefinitions has no resource-level permissions.
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

  # Promotion (prod): the release tool checks that dev runs the image healthy, its
  # deployment alarms OK, before deploying it here; dev's service is read directly (same
  # account) or through dev's release-reader role (separate accounts).
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
  assume_role_policy   = data.aws_iam_policy_document.trust["deploy"].json
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role_policy" "deploy" {
  name   = "release"
  role   = aws_iam_role.deploy.id
  policy = data.aws_iam_policy_document.deploy.json
}
