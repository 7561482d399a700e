# The CI roles' documents in each account layout the project supports: dev (the build
# repository is its own; prod reads it from its own account), prod in its own account
# (with its own repository there), prod sharing dev's account. infra/tests/test_ci_roles_security.py checks the rules that
# span many documents or other units.

variables {
  partition                        = "aws"
  account_id                       = "111111111111"
  region                           = "us-east-1"
  oidc_provider_arn                = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
  service                          = "svc"
  environment                      = "dev"
  github_repository                = "org/repo"
  build_repository_arn             = "arn:aws:ecr:us-east-1:111111111111:repository/svc"
  repository_arn                   = "arn:aws:ecr:us-east-1:111111111111:repository/svc"
  release_reader_trusted_role_arns = ["arn:aws:iam::222222222222:role/svc-prod-deploy"]
  promote_from_role_arn            = null
  promote_from_service_arn         = null
  state_bucket                     = "state-111111111111"
  domain_name                      = "dev.example.com"
  hosted_zone_id                   = "Z1111"
  deletion_protection              = false
}

run "dev" {
  command = apply

  assert {
    condition     = keys(output.roles) == ["deploy", "infra", "plan", "publish", "release-reader"]
    error_message = "dev has the publish role (the repository lives there) and the release-reader (prod reads it)."
  }

  # Every GitHub role trusts the OIDC provider for STS only, and exactly one workflow
  # file on main (the plan role: also its pull requests, the number being the only wildcard).
  assert {
    condition = alltrue(flatten([for role in ["publish", "deploy", "infra", "plan"] : [
      for s in jsondecode(output.roles[role].trust).Statement : [
        s.Action == "sts:AssumeRoleWithWebIdentity",
        s.Principal == { Federated = var.oidc_provider_arn },
        s.Condition.StringEquals["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com",
      ]
    ]]))
    error_message = "a GitHub role trusts something other than GitHub's OIDC tokens for STS."
  }

  assert {
    condition = alltrue(flatten([for role in ["publish", "deploy", "infra"] : [
      for s in jsondecode(output.roles[role].trust).Statement : [
        for sub in flatten([s.Condition.StringEquals["token.actions.githubusercontent.com:sub"]]) :
        !strcontains(sub, "*") && !strcontains(sub, "?") && endswith(sub, "@refs/heads/main") && keys(s.Condition) == ["StringEquals"]
      ]
    ]]))
    error_message = "publish, deploy and infra must trust exact subjects on main."
  }

  assert {
    condition     = jsondecode(output.roles.infra.trust).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:org/repo:environment:dev-infra:job_workflow_ref:org/repo/.github/workflows/infra.yml@refs/heads/main"
    error_message = "the infra role trusts infra.yml on main in the dev-infra environment only."
  }

  assert {
    condition = toset(flatten([jsondecode(output.roles.deploy.trust).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"]])) == toset([
      "repo:org/repo:environment:dev:job_workflow_ref:org/repo/.github/workflows/deploy.yml@refs/heads/main",
      "repo:org/repo:environment:dev:job_workflow_ref:org/repo/.github/workflows/release.yml@refs/heads/main",
    ])
    error_message = "the deploy role trusts deploy.yml and release.yml on main in its environment only."
  }

  assert {
    condition = [for s in jsondecode(output.roles.plan.trust).Statement : s.Condition.StringLike["token.actions.githubusercontent.com:sub"] if contains(keys(s.Condition), "StringLike")] == [
      "repo:org/repo:pull_request:job_workflow_ref:org/repo/.github/workflows/infra.yml@refs/pull/*/merge",
    ]
    error_message = "the plan role's only pattern is the pull request number of infra.yml."
  }

  # The boundary: pulling the image and writing logs at most, and never IAM.
  assert {
    condition = anytrue([for s in jsondecode(output.managed_policies.boundary).Statement :
    s.Effect == "Deny" && s.Action == "iam:*" && s.Resource == "*"])
    error_message = "the boundary must deny all of IAM."
  }

  assert {
    condition = alltrue([for s in jsondecode(output.managed_policies.boundary).Statement :
    alltrue([for a in flatten([s.Action]) : startswith(a, "ecr:") || startswith(a, "logs:")]) if s.Effect == "Allow"])
    error_message = "the boundary allows more than pulling the image and writing logs."
  }

  # The infra role writes IAM only on the task roles, and only with the boundary.
  assert {
    condition = alltrue(flatten([for name, doc in merge(output.roles.infra.inline, { for k in output.roles.infra.managed : k => output.managed_policies[k] }) : [
      for s in jsondecode(doc).Statement : [
        for a in flatten([s.Action]) :
        contains(["iam:PassRole", "iam:TagRole", "iam:UntagRole", "iam:CreateServiceLinkedRole"], a) ||
        can(regex("^iam:(Get|List)", a)) ||
        try(s.Condition.ArnEquals["iam:PermissionsBoundary"] == "arn:aws:iam::111111111111:policy/svc-dev-boundary", false)
        if startswith(a, "iam:")
      ] if s.Effect == "Allow"
    ]]))
    error_message = "an IAM write of the infra role does not require the boundary."
  }

  # Nothing of the CI roles' own: every managed policy, the roles, the OIDC provider.
  assert {
    condition = anytrue([for s in jsondecode(output.roles.infra.inline.iam).Statement :
      s.Effect == "Deny" && s.Action == "iam:*" &&
    toset(s.Resource) == toset([for k in keys(output.managed_policies) : "arn:aws:iam::111111111111:policy/svc-dev-${k}"])])
    error_message = "the infra role may change a managed policy of the CI roles."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.roles.infra.inline.iam).Statement :
      s.Effect == "Deny" && s.Action == "iam:*" &&
    length(setsubtract(concat([var.oidc_provider_arn], [for r in ["deploy", "infra", "plan", "publish", "release-reader"] : "arn:aws:iam::111111111111:role/svc-dev-${r}"]), flatten([s.Resource]))) == 0])
    error_message = "the infra role may change a CI role or the OIDC provider."
  }

  # State: the environment's keys only, never the admin units'.
  assert {
    condition = alltrue(flatten([for s in jsondecode(output.roles.infra.inline.state).Statement :
    [for r in flatten([s.Resource]) : startswith(r, "arn:aws:s3:::state-111111111111/dev/")]]))
    error_message = "the infra role writes state outside dev/."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.roles.infra.inline.state).Statement :
    s.Effect == "Deny" && toset(s.Resource) == toset(["arn:aws:s3:::state-111111111111/dev/ci-roles/*", "arn:aws:s3:::state-111111111111/dev/github-repo/*"])])
    error_message = "the infra role may write the state of ci-roles or github-repo."
  }

  assert {
    condition = alltrue([for s in jsondecode(output.managed_policies["platform-read"]).Statement :
    s.Condition.StringLike["s3:prefix"] == "dev/*" if s.Sid == "StateList"])
    error_message = "plans list state keys outside dev/."
  }

  # The deploy role updates its service only to a revision of its family, ECS Exec off,
  # no network change.
  assert {
    condition = [for s in jsondecode(output.roles.deploy.inline.release).Statement : s.Condition if s.Action == "ecs:UpdateService"] == [{
      ArnLike      = { "ecs:task-definition" = "arn:aws:ecs:us-east-1:111111111111:task-definition/svc-dev:*" }
      BoolIfExists = { for key in ["ebs-volumes", "execute-command", "service-connect", "vpc-lattice"] : "ecs:enable-${key}" => "false" }
      Null         = { "ecs:auto-assign-public-ip" = "true", "ecs:subnet" = "true" }
    }]
    error_message = "the deploy role's UpdateService is not limited to its family without exec, Service Connect, Lattice, EBS or network."
  }

  # Revisions (deploy and infra roles) run on Fargate only, with no privileged container.
  assert {
    condition = alltrue([for doc in [output.roles.deploy.inline.release, output.roles.infra.inline.iam, output.managed_policies["infra-compute"]] : alltrue([
      for s in jsondecode(doc).Statement : s.Condition == {
        "ForAllValues:StringEquals" = { "ecs:compute-compatibility" = ["FARGATE"] }
        Null                        = { "ecs:compute-compatibility" = "false" }
        StringEqualsIfExists        = { "ecs:privileged" = "false" }
      } if contains(flatten([s.Action]), "ecs:RegisterTaskDefinition")
    ])])
    error_message = "a task definition may be registered for another launch type, or privileged."
  }

  # No CI role may create, tag or change a KMS key: tagging inside CreateKey needs
  # kms:TagResource on every key of the account, which would let the infra role tag an
  # untagged key into the project's scope. The alerts key is ci-roles' (an admin's).
  assert {
    condition = !anytrue(flatten([for doc in concat(values(output.managed_policies), flatten([for role in values(output.roles) : values(role.inline)])) : [
      for s in jsondecode(doc).Statement : [for a in flatten([s.Action]) : startswith(a, "kms:")] if s.Effect == "Allow"
    ]]))
    error_message = "a CI role holds a KMS permission: with kms:TagResource an untagged key can be tagged into its scope."
  }

  # Nor request, tag or delete a certificate: tagging inside RequestCertificate is
  # authorised on no certificate ARN, so a grant of it lets an untagged certificate be
  # tagged into the project's scope. The certificate is ci-roles' (an admin's).
  assert {
    condition = !anytrue(flatten([for doc in concat(values(output.managed_policies), flatten([for role in values(output.roles) : values(role.inline)])) : [
      for s in jsondecode(doc).Statement : [for a in flatten([s.Action]) : startswith(a, "acm:") && !can(regex("^acm:(Describe|Get|List)", a))] if s.Effect == "Allow"
    ]]))
    error_message = "a CI role may write a certificate: with acm:AddTagsToCertificate an untagged certificate can be tagged into its scope."
  }

  # The release-audit rules: the infra role manages the environment's rules only; plans
  # read them.
  assert {
    condition = alltrue(flatten([for doc in concat([for k, v in output.managed_policies : v], [output.roles.deploy.inline.release]) : [
      for s in jsondecode(doc).Statement : flatten([s.Resource]) == ["arn:aws:events:us-east-1:111111111111:rule/svc-dev-*"]
      if anytrue([for a in flatten([s.Action]) : startswith(a, "events:")])
    ]]))
    error_message = "an EventBridge permission reaches rules outside svc-dev-*."
  }

  assert {
    condition     = !anytrue([for s in jsondecode(output.roles.deploy.inline.release).Statement : anytrue([for a in flatten([s.Action]) : startswith(a, "events:")])])
    error_message = "the deploy role can change the rules that watch it."
  }

  # Without deletion protection the infra role may empty the log bucket; it never reads it.
  assert {
    condition = anytrue([for s in jsondecode(output.managed_policies["infra-edge"]).Statement :
    s.Effect == "Allow" && contains(flatten([s.Action]), "s3:DeleteObject")])
    error_message = "dev's infra role cannot empty the access-log bucket it destroys."
  }

  # Dev's deploy role (no reviewer) reads the build repository and writes no image or tag.
  assert {
    condition = alltrue([for s in jsondecode(output.roles.deploy.inline.release).Statement :
      flatten([s.Resource]) == [var.build_repository_arn] && length(setsubtract(flatten([s.Action]), [
        "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:DescribeImages", "ecr:DescribeRepositories", "ecr:GetDownloadUrlForLayer",
      ])) == 0
      if anytrue([for a in flatten([s.Action]) : startswith(a, "ecr:")])
    ])
    error_message = "dev's deploy role may write an image or tag, or reaches another repository than the build one."
  }

  # The release reader trusts the named roles only, through their accounts.
  assert {
    condition     = jsondecode(output.roles["release-reader"].trust).Statement[0].Condition == { ArnEquals = { "aws:PrincipalArn" = var.release_reader_trusted_role_arns } }
    error_message = "the release reader must trust exactly the named roles."
  }
}

# The environment lock (lock.tf): only the environment's deploy and infra roles may take
# or release it; no role of the environment may write the other environment's lock, which
# lies in the same bucket when both share an account. The record of the last applied
# commit beside it: only the infra role may write it (a deploy role could otherwise let an
# old commit be applied again), and it never deletes it.
run "dev_lock" {
  command = apply

  module {
    source = "./tests/object_writers"
  }

  variables {
    roles            = run.dev.roles
    managed_policies = run.dev.managed_policies
    objects = {
      own           = "arn:aws:s3:::state-111111111111/locks/dev.lock"
      other         = "arn:aws:s3:::state-111111111111/locks/prod.lock"
      applied       = "arn:aws:s3:::state-111111111111/locks/dev.applied"
      other_applied = "arn:aws:s3:::state-111111111111/locks/prod.applied"
    }
  }

  assert {
    condition     = jsonencode(output.writers.own) == jsonencode({ "s3:DeleteObject" = ["deploy", "infra"], "s3:PutObject" = ["deploy", "infra"] })
    error_message = "a role other than dev's deploy and infra roles may take or release dev's lock, or one of them may not: ${jsonencode(output.writers.own)}"
  }

  assert {
    condition     = jsonencode(output.writers.other) == jsonencode({ "s3:DeleteObject" = [], "s3:PutObject" = [] })
    error_message = "a dev role may write prod's lock: ${jsonencode(output.writers.other)}"
  }

  assert {
    condition     = jsonencode(output.writers.applied) == jsonencode({ "s3:DeleteObject" = [], "s3:PutObject" = ["infra"] })
    error_message = "a role other than dev's infra role may write the commit last applied to dev, or the infra role may not: ${jsonencode(output.writers.applied)}"
  }

  assert {
    condition     = jsonencode(output.writers.other_applied) == jsonencode({ "s3:DeleteObject" = [], "s3:PutObject" = [] })
    error_message = "a dev role may write the commit last applied to prod: ${jsonencode(output.writers.other_applied)}"
  }
}

# State (read.tf, infra.tf): the plan and infra roles read the environment's platform
# units, the infra role writes them; no CI role reads or writes the admin units' state.
run "dev_state" {
  command = apply

  module {
    source = "./tests/object_writers"
  }

  variables {
    roles            = run.dev.roles
    managed_policies = run.dev.managed_policies
    actions          = ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
    objects = {
      platform = "arn:aws:s3:::state-111111111111/dev/alb/tofu.tfstate"
      admin    = "arn:aws:s3:::state-111111111111/dev/ci-roles/tofu.tfstate"
      github   = "arn:aws:s3:::state-111111111111/dev/github-repo/tofu.tfstate"
    }
  }

  assert {
    condition = jsonencode(output.writers) == jsonencode({
      admin    = { "s3:DeleteObject" = [], "s3:GetObject" = [], "s3:PutObject" = [] }
      github   = { "s3:DeleteObject" = [], "s3:GetObject" = [], "s3:PutObject" = [] }
      platform = { "s3:DeleteObject" = ["infra"], "s3:GetObject" = ["infra", "plan"], "s3:PutObject" = ["infra"] }
    })
    error_message = "a CI role may read or write the ci-roles or github-repo state, or the plan and infra roles lose the platform's: ${jsonencode(output.writers)}"
  }
}

run "prod_own_account" {
  command = apply

  variables {
    account_id                       = "222222222222"
    oidc_provider_arn                = "arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com"
    environment                      = "prod"
    repository_arn                   = "arn:aws:ecr:us-east-1:222222222222:repository/svc-prod"
    release_reader_trusted_role_arns = []
    promote_from_role_arn            = "arn:aws:iam::111111111111:role/svc-dev-release-reader"
    state_bucket                     = "state-222222222222"
    domain_name                      = "example.com"
    hosted_zone_id                   = "Z2222"
    deletion_protection              = true
  }

  assert {
    condition     = keys(output.roles) == ["deploy", "infra", "plan"]
    error_message = "prod in its own account has no publish or release-reader role."
  }

  assert {
    condition     = [for s in jsondecode(output.roles.deploy.inline.release).Statement : s.Resource if s.Action == "sts:AssumeRole"] == [var.promote_from_role_arn]
    error_message = "prod's deploy role assumes dev's release reader, nothing else."
  }

  # Prod's deploy role writes images only into prod's own repository; the infra role,
  # the plans and the task roles' boundary know no other repository.
  assert {
    condition = alltrue([for s in jsondecode(output.roles.deploy.inline.release).Statement :
      flatten([s.Resource]) == [var.repository_arn]
      if contains(flatten([s.Action]), "ecr:PutImage") || contains(flatten([s.Action]), "ecr:InitiateLayerUpload")
    ])
    error_message = "prod's deploy role writes images outside its own repository."
  }

  assert {
    condition = alltrue(flatten([for doc in concat(values(output.managed_policies), values(output.roles.infra.inline)) : [
      for s in jsondecode(doc).Statement : flatten([s.Resource]) == [var.repository_arn]
      if s.Effect == "Allow" && anytrue([for a in flatten([s.Action]) : startswith(a, "ecr:") && a != "ecr:GetAuthorizationToken"])
    ]]))
    error_message = "the infra, plan or task roles of prod reach another repository than prod's own."
  }

  # With deletion protection nobody in the pipeline deletes a log.
  assert {
    condition = alltrue([for s in jsondecode(output.managed_policies["infra-edge"]).Statement :
    !contains(flatten([s.Action]), "s3:DeleteObject") if s.Effect == "Allow"])
    error_message = "prod's infra role may delete access logs."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.managed_policies["infra-edge"]).Statement :
    s.Effect == "Deny" && contains(flatten([s.Action]), "s3:DeleteObject")])
    error_message = "prod's access logs need an explicit deny of deletes."
  }

  assert {
    condition = alltrue(flatten([for s in jsondecode(output.roles.infra.inline.state).Statement :
    [for r in flatten([s.Resource]) : startswith(r, "arn:aws:s3:::state-222222222222/prod/")]]))
    error_message = "prod's infra role writes state outside prod/."
  }
}

# Prod's admin units, github-repo included (prod's state holds it).
run "prod_own_account_state" {
  command = apply

  module {
    source = "./tests/object_writers"
  }

  variables {
    roles            = run.prod_own_account.roles
    managed_policies = run.prod_own_account.managed_policies
    actions          = ["s3:GetObject"]
    objects = {
      platform = "arn:aws:s3:::state-222222222222/prod/ecs-service/tofu.tfstate"
      admin    = "arn:aws:s3:::state-222222222222/prod/ci-roles/tofu.tfstate"
      github   = "arn:aws:s3:::state-222222222222/prod/github-repo/tofu.tfstate"
    }
  }

  assert {
    condition     = jsonencode(output.writers) == jsonencode({ admin = { "s3:GetObject" = [] }, github = { "s3:GetObject" = [] }, platform = { "s3:GetObject" = ["infra", "plan"] } })
    error_message = "a prod role may read the ci-roles or github-repo state, or the plan and infra roles cannot read the platform's: ${jsonencode(output.writers)}"
  }
}

run "prod_own_account_lock" {
  command = apply

  module {
    source = "./tests/object_writers"
  }

  variables {
    roles            = run.prod_own_account.roles
    managed_policies = run.prod_own_account.managed_policies
    objects = {
      own     = "arn:aws:s3:::state-222222222222/locks/prod.lock"
      applied = "arn:aws:s3:::state-222222222222/locks/prod.applied"
    }
  }

  assert {
    condition     = jsonencode(output.writers.own) == jsonencode({ "s3:DeleteObject" = ["deploy", "infra"], "s3:PutObject" = ["deploy", "infra"] })
    error_message = "a role other than prod's deploy and infra roles may take or release prod's lock: ${jsonencode(output.writers.own)}"
  }

  assert {
    condition     = jsonencode(output.writers.applied) == jsonencode({ "s3:DeleteObject" = [], "s3:PutObject" = ["infra"] })
    error_message = "a role other than prod's infra role may write the commit last applied to prod, or the infra role may not: ${jsonencode(output.writers.applied)}"
  }
}

run "prod_shared_account" {
  command = apply

  variables {
    environment              = "prod"
    repository_arn           = "arn:aws:ecr:us-east-1:111111111111:repository/svc-prod"
    promote_from_service_arn = "arn:aws:ecs:us-east-1:111111111111:service/svc-dev/svc-dev"
    domain_name              = "example.com"
    deletion_protection      = true
  }

  assert {
    condition = toset([for s in jsondecode(output.roles.deploy.inline.release).Statement : s.Resource if s.Action == "cloudwatch:DescribeAlarms"]) == toset([
      "arn:aws:cloudwatch:us-east-1:111111111111:alarm:svc-prod-*",
      "arn:aws:cloudwatch:us-east-1:111111111111:alarm:svc-dev-*",
    ])
    error_message = "prod's deploy role reads its own alarms and dev's, nothing else."
  }

  assert {
    condition     = !anytrue([for s in jsondecode(output.roles.deploy.inline.release).Statement : s.Action == "sts:AssumeRole"])
    error_message = "in one account prod's deploy role assumes no other role."
  }

  # Dev's state keys in the shared bucket are not prod's.
  assert {
    condition = alltrue(flatten([for s in jsondecode(output.roles.infra.inline.state).Statement :
    [for r in flatten([s.Resource]) : startswith(r, "arn:aws:s3:::state-111111111111/prod/")]]))
    error_message = "prod's infra role writes dev's state."
  }
}

run "prod_shared_account_lock" {
  command = apply

  module {
    source = "./tests/object_writers"
  }

  variables {
    roles            = run.prod_shared_account.roles
    managed_policies = run.prod_shared_account.managed_policies
    objects = {
      own           = "arn:aws:s3:::state-111111111111/locks/prod.lock"
      other         = "arn:aws:s3:::state-111111111111/locks/dev.lock"
      applied       = "arn:aws:s3:::state-111111111111/locks/prod.applied"
      other_applied = "arn:aws:s3:::state-111111111111/locks/dev.applied"
    }
  }

  assert {
    condition     = jsonencode(output.writers.own) == jsonencode({ "s3:DeleteObject" = ["deploy", "infra"], "s3:PutObject" = ["deploy", "infra"] })
    error_message = "a role other than prod's deploy and infra roles may take or release prod's lock: ${jsonencode(output.writers.own)}"
  }

  assert {
    condition     = jsonencode(output.writers.other) == jsonencode({ "s3:DeleteObject" = [], "s3:PutObject" = [] })
    error_message = "a prod role may write dev's lock in the shared bucket: ${jsonencode(output.writers.other)}"
  }

  assert {
    condition     = jsonencode(output.writers.applied) == jsonencode({ "s3:DeleteObject" = [], "s3:PutObject" = ["infra"] })
    error_message = "a role other than prod's infra role may write the commit last applied to prod, or the infra role may not: ${jsonencode(output.writers.applied)}"
  }

  assert {
    condition     = jsonencode(output.writers.other_applied) == jsonencode({ "s3:DeleteObject" = [], "s3:PutObject" = [] })
    error_message = "a prod role may write the commit last applied to dev: ${jsonencode(output.writers.other_applied)}"
  }
}

run "no_domain" {
  command = apply

  variables {
    domain_name    = ""
    hosted_zone_id = ""
  }

  assert {
    condition = !anytrue(flatten([for s in jsondecode(output.managed_policies["infra-edge"]).Statement :
    [for a in flatten([s.Action]) : startswith(a, "acm:") || startswith(a, "route53:")] if s.Effect == "Allow"]))
    error_message = "without a domain the infra role gets no certificate or record writes."
  }
}

run "domain_needs_its_zone" {
  command = plan

  variables {
    hosted_zone_id = ""
  }

  expect_failures = [output.roles]
}
