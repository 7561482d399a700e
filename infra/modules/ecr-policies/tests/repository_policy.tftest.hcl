# Who in other accounts may use the image repository: prod in its own account pulls, and
# its deploy role tags what it released; prod sharing dev's account needs no policy.

variables {
  partition             = "aws"
  pull_account_ids      = ["222222222222"]
  release_tag_role_arns = ["arn:aws:iam::222222222222:role/hello-prod-deploy"]
  keep_prod_releases    = 10
  keep_dev_releases     = 5
  untagged_expiry_days  = 7
  keep_builds           = 30
}

run "prod_in_its_own_account" {
  command = apply

  assert {
    condition = alltrue([for s in jsondecode(output.repository_policy).Statement :
      s.Effect == "Allow" && keys(s.Principal) == ["AWS"] &&
      toset(flatten([s.Principal.AWS])) == toset(["arn:aws:iam::222222222222:root"])
    ])
    error_message = "The repository policy grants the pull accounts, as accounts, and nobody else."
  }

  assert {
    condition = alltrue([for s in jsondecode(output.repository_policy).Statement : alltrue([
      for action in flatten([s.Action]) :
      can(regex("^ecr:(BatchCheck|BatchGet|Get|Describe)[A-Za-z]+$", action)) || action == "ecr:PutImage"
    ])])
    error_message = "Other accounts only read images (no layer upload, delete, policy or wildcard action); PutImage is the only write."
  }

  assert {
    condition = length([for s in jsondecode(output.repository_policy).Statement : s
      if !can(s.Condition) && length(setsubtract(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:DescribeImages"], flatten([s.Action]))) == 0
    ]) == 1
    error_message = "Prod's account must be able to pull the images and resolve tags to digests."
  }

  assert {
    condition = alltrue([for s in jsondecode(output.repository_policy).Statement :
      try(s.Condition, null) == { ArnEquals = { "aws:PrincipalArn" = var.release_tag_role_arns } }
      if contains(flatten([s.Action]), "ecr:PutImage")
    ])
    error_message = "Only the named release roles may tag (ArnEquals aws:PrincipalArn), not every principal of their account."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.repository_policy).Statement :
    flatten([s.Action]) == ["ecr:PutImage"]])
    error_message = "Prod's deploy role must be able to tag the digest it released."
  }
}

run "without_release_tag_roles_nobody_writes" {
  command = apply

  variables {
    release_tag_role_arns = []
  }

  assert {
    condition = alltrue([for s in jsondecode(output.repository_policy).Statement :
    !contains(flatten([s.Action]), "ecr:PutImage")])
    error_message = "Without release tag roles no other account may write to the repository."
  }
}

run "prod_sharing_the_account_needs_no_policy" {
  command = apply

  variables {
    pull_account_ids      = []
    release_tag_role_arns = []
  }

  assert {
    condition     = output.repository_policy == null
    error_message = "With no other account to pull, the repository has no policy."
  }
}

run "refuses_a_tag_role_of_an_account_that_may_not_pull" {
  command = plan

  variables {
    release_tag_role_arns = ["arn:aws:iam::333333333333:role/hello-prod-deploy"]
  }

  expect_failures = [var.release_tag_role_arns]
}
