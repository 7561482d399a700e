# What the service's roles may do, in each account layout: dev (the repository is in
# the same account), prod in its own account (it pulls from dev's repository), prod
# sharing dev's account.

variables {
  account_id         = "111111111111"
  ecr_repository_arn = "arn:aws:ecr:us-east-1:111111111111:repository/hello"
  log_group_arn      = "arn:aws:logs:us-east-1:111111111111:log-group:/ecs/hello-dev"
}

run "dev" {
  command = apply

  assert {
    condition = alltrue([for role in values(output.roles) : alltrue([
      for s in jsondecode(role.trust).Statement :
      s.Effect == "Allow" && s.Action == "sts:AssumeRole" && s.Principal == { Service = "ecs-tasks.amazonaws.com" }
    ])])
    error_message = "Only ECS tasks may assume the service's roles, and only to assume them."
  }

  assert {
    condition = alltrue([for role in values(output.roles) : alltrue([
      for s in jsondecode(role.trust).Statement :
      s.Condition == { StringEquals = { "aws:SourceAccount" = var.account_id } }
    ])])
    error_message = "Only ECS tasks of the service's own account may assume its roles (aws:SourceAccount)."
  }

  assert {
    condition     = output.roles.task.inline == {} && output.roles.task.managed == []
    error_message = "The application calls no AWS API: its task role has no permissions."
  }

  assert {
    condition     = output.roles.execution.managed == []
    error_message = "The execution role's permissions are its inline policy alone."
  }

  assert {
    condition = alltrue([for policy in values(output.roles.execution.inline) : alltrue([
      for s in jsondecode(policy).Statement : s.Effect == "Allow" && alltrue([
        for resource in flatten([s.Resource]) :
        resource == var.ecr_repository_arn || resource == "${var.log_group_arn}:log-stream:*" ||
        (resource == "*" && flatten([s.Action]) == ["ecr:GetAuthorizationToken"])
      ])
    ])])
    error_message = "Every grant of the execution role is on the image repository or the service's log streams, except ECR's registry-wide login."
  }

  assert {
    condition = alltrue([for policy in values(output.roles.execution.inline) : alltrue([
      for s in jsondecode(policy).Statement : alltrue([
        for action in flatten([s.Action]) :
        !strcontains(action, "*") && (
          contains(flatten([s.Resource]), "${var.log_group_arn}:log-stream:*")
          ? startswith(action, "logs:")
          : startswith(action, "ecr:") && can(regex("^ecr:(Get|BatchGet|BatchCheck)", action))
        )
      ])
    ])])
    error_message = "The execution role reads images (no push, no tag, no delete, no wildcard) and only writes log streams."
  }

  assert {
    condition = length([for s in jsondecode(output.roles.execution.inline["pull-image-write-logs"]).Statement : s
      if contains(flatten([s.Resource]), var.ecr_repository_arn) &&
      length(setsubtract(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], flatten([s.Action]))) == 0
    ]) == 1
    error_message = "The execution role must be able to pull the image from the repository."
  }

  assert {
    condition = length([for s in jsondecode(output.roles.execution.inline["pull-image-write-logs"]).Statement : s
      if contains(flatten([s.Resource]), "${var.log_group_arn}:log-stream:*") &&
      length(setsubtract(["logs:CreateLogStream", "logs:PutLogEvents"], flatten([s.Action]))) == 0
    ]) == 1
    error_message = "The execution role must be able to write the container's logs."
  }
}

run "prod_in_its_own_account" {
  command = apply

  variables {
    account_id    = "222222222222"
    log_group_arn = "arn:aws:logs:us-east-1:222222222222:log-group:/ecs/hello-prod"
  }

  assert {
    condition = alltrue([for role in values(output.roles) : alltrue([
      for s in jsondecode(role.trust).Statement :
      s.Condition == { StringEquals = { "aws:SourceAccount" = "222222222222" } }
    ])])
    error_message = "Prod's roles trust prod's ECS tasks only, not those of the account holding the repository."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.roles.execution.inline["pull-image-write-logs"]).Statement :
    flatten([s.Resource]) == ["arn:aws:ecr:us-east-1:111111111111:repository/hello"]])
    error_message = "Prod's execution role pulls from dev's repository, in the other account."
  }
}

run "prod_sharing_the_account" {
  command = apply

  variables {
    log_group_arn = "arn:aws:logs:us-east-1:111111111111:log-group:/ecs/hello-prod"
  }

  assert {
    condition = alltrue([for s in jsondecode(output.roles.execution.inline["pull-image-write-logs"]).Statement :
      !contains(flatten([s.Resource]), "arn:aws:logs:us-east-1:111111111111:log-group:/ecs/hello-dev:log-stream:*")
    ])
    error_message = "Prod's execution role writes prod's log group only, never dev's in the same account."
  }
}

run "refuses_an_account_that_is_not_one" {
  command = plan

  variables {
    account_id = "*"
  }

  expect_failures = [var.account_id]
}
