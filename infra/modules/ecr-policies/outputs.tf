output "repository_policy" {
  description = "The repository policy (JSON) letting pull_account_ids read the images; null without pull accounts."
  value = length(var.pull_account_ids) == 0 ? null : jsonencode({
    Version   = "2012-10-17"
    Statement = local.repository_statements
  })
}

output "lifecycle_policy" {
  description = "The lifecycle policy (JSON): the rules in list order, which is their rulePriority."
  value = jsonencode({
    rules = [for index, rule in local.lifecycle_rules : merge(rule, {
      rulePriority = index + 1
      action       = { type = "expire" }
    })]
  })
}
