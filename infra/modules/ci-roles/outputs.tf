output "oidc_provider_arn" {
  description = "GitHub OIDC provider the roles trust."
  value       = local.oidc_arn
}

output "publish_role_arn" {
  description = "Role of deploy.yml's push job on main (repository variable AWS_PUBLISH_ROLE_ARN): pushes the image; null where the build repository is not the environment's own."
  value       = length(aws_iam_role.publish) > 0 ? aws_iam_role.publish[0].arn : null
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
  description = "Read-only role for infra.yml plans: pull requests and the saved plan on main (repository variable AWS_PLAN_ROLE_ARN_<ENV>)."
  value       = aws_iam_role.plan.arn
}

output "release_reader_role_arn" {
  description = "Role prod's deploy role assumes to read this service when promoting (GitHub variable HELLO_DEV_ROLE_ARN of environment prod); null when not created."
  value       = length(aws_iam_role.release_reader) > 0 ? aws_iam_role.release_reader[0].arn : null
}

output "permissions_boundary_arn" {
  description = "Boundary every role the infra role creates must carry (`permissions_boundary` of the ecs-service task and execution roles): `arn:aws:iam::<account>:policy/<service>-<env>-boundary`."
  value       = aws_iam_policy.this["boundary"].arn
}

output "platform_read_policy_arn" {
  description = "Read policy of the plan and infra roles: this environment's state and the platform's resource settings."
  value       = aws_iam_policy.this["platform-read"].arn
}

output "alerts_key_arn" {
  description = "KMS key of the alerts topic (alias `alias/<name>-alerts`, which the alerts module names)."
  value       = aws_kms_key.alerts.arn
}

output "certificate_arn" {
  description = "The issued ACM certificate of domain_name, which the alb module serves; null without a domain."
  value       = var.domain_name == "" ? null : aws_acm_certificate_validation.this[0].certificate_arn
}
