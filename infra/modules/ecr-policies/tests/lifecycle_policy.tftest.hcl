# Which images expire. No rule selects by tag, so a tag pushed by anyone cannot make
# ECR expire an image it would have kept. "Lifecycle policy properties"
# (lifecycle_policy_parameters.html, rulePriority): unique priorities, applied lowest
# first; "A rule with a tagStatus value of any must have the highest value for
# rulePriority and be evaluated last". ECR's own acceptance of the JSON (moto) and the
# units' settings are infra/tests/test_ecr_lifecycle_policy.py; what actually expires
# shows only online (infra/modules/ecr/README.md).

variables {
  partition            = "aws"
  pull_account_ids     = []
  keep_images          = 30
  untagged_expiry_days = 7
}

run "build_repository" {
  command = apply

  assert {
    condition     = [for rule in jsondecode(output.lifecycle_policy).rules : rule.rulePriority] == [1, 2]
    error_message = "Two rules, with unique priorities in the order they are written."
  }

  assert {
    condition     = jsondecode(output.lifecycle_policy).rules[0].selection == { tagStatus = "untagged", countType = "sinceImagePushed", countUnit = "days", countNumber = var.untagged_expiry_days }
    error_message = "Untagged leftovers (interrupted pushes) expire after untagged_expiry_days."
  }

  assert {
    condition     = jsondecode(output.lifecycle_policy).rules[1].selection == { tagStatus = "any", countType = "imageCountMoreThan", countNumber = var.keep_images }
    error_message = "The last rule keeps the newest keep_images images of any tag; ECR requires `any` to come last."
  }

  assert {
    condition     = alltrue([for rule in jsondecode(output.lifecycle_policy).rules : rule.action == { type = "expire" } && !can(rule.selection.tagPatternList) && !can(rule.selection.tagPrefixList)])
    error_message = "Every rule expires images and none selects by tag: a pushed tag must not steer what expires."
  }
}

run "repository_filled_by_digest" {
  command = apply

  variables {
    keep_images          = 10
    untagged_expiry_days = null
  }

  assert {
    condition = jsondecode(output.lifecycle_policy).rules == [{
      rulePriority = 1
      description  = "Keep the newest 10 images"
      selection    = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 10 }
      action       = { type = "expire" }
    }]
    error_message = "Without untagged_expiry_days the one rule keeps the newest keep_images images: its untagged copies are never expired by age."
  }
}
