# deploy: exactly what a release does.

locals {
  deploy = concat(
    # No image write anywhere but into the environment's own repository, where it is not
    # the build repository (prod): the release copies the image it promotes there by
    # digest, untagged (the layer uploads, then PutImage of the manifest). Prod's role
    # reads the build repository through its repository policy when in another account.
    local.build_repository_read,
    # There, the job also logs in to the registry (amazon-ecr-login), so that `gh
    # attestation verify` can read the image it checks before promoting or rolling back.
    local.publishes ? [] : [local.ecr_auth],
    local.publishes ? [] : [{
      Sid    = "OwnRepositoryCopy"
      Effect = "Allow"
      Action = [
        "ecr:BatchCheckLayerAvailability",
        "ecr:BatchGetImage",
        "ecr:CompleteLayerUpload",
        "ecr:DescribeImages",
        "ecr:DescribeRepositories",
        "ecr:InitiateLayerUpload",
        "ecr:PutImage",
        "ecr:UploadLayerPart",
      ]
      Resource = var.repository_arn
    }],
    # The release tool reads this service as promotion reads dev's (release_reader.tf).
    local.release_reader,
    local.register_task_definitions,
    [
      {
        Sid    = "TaskDefinitionsList"
        Effect = "Allow"
        Action = "ecs:ListTaskDefinitions"
        # aws-api-requires-wildcard: ListTaskDefinitions has no resource-level permissions.
        Resource = "*"
      },
      {
        Sid       = "TaskDefinitionsTag"
        Effect    = "Allow"
        Action    = "ecs:TagResource"
        Resource  = local.task_family_arn
        Condition = { StringEquals = { "ecs:CreateAction" = "RegisterTaskDefinition" } }
      },
      # A release changes the task definition only: a revision of its own family, ECS Exec,
      # Service Connect, VPC Lattice and EBS volumes stay off, and no network configuration
      # (subnets are required in any awsvpc configuration, so no subnet in the request
      # means the security groups and public IP cannot be sent either). The desired count,
      # load balancers and deployment configuration have no condition key. Capacity
      # providers have `ecs:capacity-provider`, but AWS does not document whether an
      # UpdateService that sends none carries the service's current ones, so refusing the
      # key could refuse every release. The release-audit rules (ecs-service) notify of
      # all four.
      {
        Sid      = "ServiceUpdateImageOnly"
        Effect   = "Allow"
        Action   = "ecs:UpdateService"
        Resource = local.service_arn
        Condition = {
          ArnLike = { "ecs:task-definition" = local.task_family_arn }
          BoolIfExists = {
            "ecs:enable-ebs-volumes"     = "false"
            "ecs:enable-execute-command" = "false"
            "ecs:enable-service-connect" = "false"
            "ecs:enable-vpc-lattice"     = "false"
          }
          Null = { "ecs:subnet" = "true", "ecs:auto-assign-public-ip" = "true" }
        }
      },
    ],
    # Promotion (prod): the release tool checks that dev runs the image healthy, its
    # deployment alarms OK, before deploying it here; dev's service is read directly (same
    # account) or through dev's release-reader role (separate accounts).
    [for service in compact([var.promote_from_service_arn]) : {
      Sid      = "PromotionSourceRead"
      Effect   = "Allow"
      Action   = "ecs:DescribeServices"
      Resource = service
    }],
    [for alarms in local.promote_from_alarms : {
      Sid      = "PromotionSourceAlarmsRead"
      Effect   = "Allow"
      Action   = "cloudwatch:DescribeAlarms"
      Resource = alarms
    }],
    [for role in compact([var.promote_from_role_arn]) : {
      Sid      = "PromotionSourceAssume"
      Effect   = "Allow"
      Action   = "sts:AssumeRole"
      Resource = role
    }],
    [
      {
        Sid    = "TasksList"
        Effect = "Allow"
        Action = "ecs:ListTasks"
        # aws-api-requires-wildcard: ListTasks is authorised on container instances, which Fargate has none of; the ecs:cluster condition scopes it.
        Resource  = "*"
        Condition = { ArnEquals = { "ecs:cluster" = local.cluster_arn } }
      },
      {
        Sid      = "TasksDescribe"
        Effect   = "Allow"
        Action   = "ecs:DescribeTasks"
        Resource = "${local.ecs_prefix}:task/${local.name}/*"
      },
      {
        Sid    = "LoadBalancerRead"
        Effect = "Allow"
        Action = [
          "elasticloadbalancing:DescribeListeners",
          "elasticloadbalancing:DescribeLoadBalancers",
          "elasticloadbalancing:DescribeTargetGroups",
          "elasticloadbalancing:DescribeTargetHealth",
        ]
        # aws-api-requires-wildcard: elasticloadbalancing Describe* calls have no resource-level permissions.
        Resource = "*"
      },
      # `verify` reads the domain of the HTTPS listener's certificate.
      {
        Sid      = "CertificateRead"
        Effect   = "Allow"
        Action   = "acm:DescribeCertificate"
        Resource = local.certificates_arn
      },
    ],
  )
}
