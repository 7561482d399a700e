# Which images expire: the rule order the Amazon ECR User Guide requires and relies on.
# "Lifecycle policy evaluation rules" (LifecyclePolicies.html): "An image that matches the
# tagging requirements of a higher priority rule cannot be expired by a rule with a lower
# priority", so the rules protecting releases come first. "Lifecycle policy properties"
# (lifecycle_policy_parameters.html, rulePriority): unique priorities, applied lowest
# first; "A rule with a tagStatus value of any must have the highest value for
# rulePriority and be evaluated last". ECR's own acceptance of the JSON (moto) and the
# unit's settings are infra/tests/test_ecr_lifecycle_policy.py; what actually expires
# shows only online (infra/modules/ecr/README.md).

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
