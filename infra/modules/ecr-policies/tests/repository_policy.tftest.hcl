# Who in other accounts may use an image repository: prod in its own account reads the
# build repository to copy an image into its own; nobody else writes it.

variables {
  partition            = "aws"
  pull_account_ids     = ["222222222222"]
  keep_images          = 30
  untagged_expiry_days = 7
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
      for action in flatten([s.Action]) : can(regex("^ecr:(BatchCheck|BatchGet|Get|Describe)[A-Za-z]+$", action))
    ])])
    error_message = "Other accounts only read images: no PutImage, layer upload, delete, policy or wildcard action."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.repository_policy).Statement :
      length(setsubtract(["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:DescribeImages", "ecr:DescribeRepositories"], flatten([s.Action]))) == 0
    ])
    error_message = "Prod's account must be able to read the images it copies and resolve tags to digests."
  }
}

run "no_other_account_needs_no_policy" {
  command = apply

  variables {
    pull_account_ids = []
  }

  assert {
    condition     = output.repository_policy == null
    error_message = "With no other account to read it, the repository has no policy."
  }
}
