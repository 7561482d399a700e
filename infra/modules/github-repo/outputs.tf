output "environments" {
  description = "Names of the environments this module manages."
  value       = sort(keys(github_repository_environment.this))
}

output "ruleset_id" {
  description = "ID of the ruleset that protects the deployment branch."
  value       = github_repository_ruleset.this.ruleset_id
}

output "oidc_subject_claim_keys" {
  description = "Claim keys that make up the `sub` of the repository's Actions OIDC tokens, in order."
  value       = github_actions_repository_oidc_subject_claim_customization_template.this.include_claim_keys
}

output "variable_names" {
  description = "Actions variables set: `repository` for the repository-level ones, then one list per environment."
  value = merge(
    { repository = sort(keys(github_actions_variable.this)) },
    { for name, environment in var.environments : name => sort(keys(environment.variables)) },
  )
}
