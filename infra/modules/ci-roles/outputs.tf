output "oidc_provider_arn" {
  description = "GitHub OIDC provider the roles trust."
  value       = local.oidc_arn
}

output "deploy_role_arn" {
  description = "Role for the `<env>` GitHub environment (AWS_ROLE_ARN there): releases."
  value       = aws_iam_role.deploy.arn
}

output "infra_role_arn" {
  description = "Role for the `<env>-infra` GitHub environment (AWS_ROLE_ARN there): terragrunt apply."
  value       = aws_iam_role.infra.arn
}

output "plan_role_arn" {
  description = "Read-only role for pull request plans (repository variable AWS_PLAN_ROLE_ARN_<ENV>)."
  value       = aws_iam_role.plan.arn
}

output "release_reader_role_arn" {
  description = "Role prod's deploy role assumes to read this service when promoting (GitHub variable HELLO_DEV_ROLE_ARN of environment prod); null when not created."
  value       = length(aws_iam_role.release_reader) > 0 ? aws_iam_role.release_reader[0].arn : null
}
