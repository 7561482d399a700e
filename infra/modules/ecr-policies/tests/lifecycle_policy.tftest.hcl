# Which images expire. The replay of a release history against this policy, with an
# evaluator of the ECR User Guide's rules, is infra/tests/test_ecr_retention.py.

variables {
  partition             = "aws"
  pull_account_ids      = []
  release_tag_role_arns = []
  keep_prod_releases    = 10
  keep_dev_releases     = 5
  untagged_expiry_days  = 7
  keep_builds           = 30
}

run "rules" {
  command = apply

  assert {
    condition     = [for rule in jsondecode(output.lifecycle_policy).rules : rule.rulePriority] == [for n in range(length(jsondecode(output.lifecycle_policy).rules)) : n + 1]
    error_message = "Rules have unique priorities, in the order they are written."
  }

  assert {
    condition     = jsondecode(output.lifecycle_policy).rules[0].selection == { tagStatus = "tagged", tagPatternList = ["prod-*"], countType = "imageCountMoreThan", countNumber = var.keep_prod_releases }
    error_message = "The first rule keeps the last keep_prod_releases prod releases: no later rule may then expire them (every prod release is a dev release too)."
  }

  assert {
    condition     = jsondecode(output.lifecycle_policy).rules[1].selection == { tagStatus = "tagged", tagPatternList = ["dev-*"], countType = "imageCountMoreThan", countNumber = var.keep_dev_releases }
    error_message = "The second rule keeps the last keep_dev_releases dev releases, ahead of every rule that is not about releases."
  }

  assert {
    condition     = one([for rule in jsondecode(output.lifecycle_policy).rules : rule.selection.countNumber if rule.selection.tagStatus == "untagged"]) == var.untagged_expiry_days
    error_message = "Untagged leftovers expire after untagged_expiry_days."
  }

  assert {
    condition = [for rule in jsondecode(output.lifecycle_policy).rules : rule.selection.tagStatus == "any"] == concat(
      [for rule in slice(jsondecode(output.lifecycle_policy).rules, 1, length(jsondecode(output.lifecycle_policy).rules)) : false], [true]
    )
    error_message = "Exactly one rule selects any image, and ECR requires it to come last."
  }

  assert {
    condition     = jsondecode(output.lifecycle_policy).rules[length(jsondecode(output.lifecycle_policy).rules) - 1].selection.countNumber == var.keep_builds
    error_message = "Builds never released expire once keep_builds newer images exist."
  }

  assert {
    condition     = alltrue([for rule in jsondecode(output.lifecycle_policy).rules : rule.action == { type = "expire" }])
    error_message = "Every rule expires images; nothing else is an ECR lifecycle action."
  }
}

run "settings_follow_the_inputs" {
  command = apply

  variables {
    keep_prod_releases = 3
    keep_dev_releases  = 2
    keep_builds        = 8
  }

  assert {
    condition     = [for rule in jsondecode(output.lifecycle_policy).rules : rule.selection.countNumber if rule.selection.countType == "imageCountMoreThan"] == [3, 2, 8]
    error_message = "Each count comes from its input."
  }
}
