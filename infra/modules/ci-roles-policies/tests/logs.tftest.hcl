# With deletion protection (prod, in either account layout) the infra role can neither
# erase nor divert the environment's logs: each call that could is explicitly denied, with
# no condition, on exactly the log bucket, the two log groups, the web ACL and the load
# balancer. Without it (dev) none of that is denied: dev is destroyed with its logs.

variables {
  partition                        = "aws"
  account_id                       = "111111111111"
  region                           = "us-east-1"
  oidc_provider_arn                = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
  service                          = "svc"
  environment                      = "prod"
  github_repository                = "org/repo"
  build_repository_arn             = "arn:aws:ecr:us-east-1:111111111111:repository/svc"
  repository_arn                   = "arn:aws:ecr:us-east-1:111111111111:repository/svc-prod"
  release_reader_trusted_role_arns = []
  promote_from_role_arn            = null
  promote_from_service_arn         = null
  state_bucket                     = "state-111111111111"
  domain_name                      = "example.com"
  hosted_zone_id                   = "Z1111"
  deletion_protection              = true

  # Each call that could erase or divert a log -> what it must be denied on, in account
  # <account> for the environment svc-<env>.
  protected = {
    "s3:PutLifecycleConfiguration"                      = ["arn:aws:s3:::svc-<env>-alb-logs-<account>"]
    "s3:PutBucketPolicy"                                = ["arn:aws:s3:::svc-<env>-alb-logs-<account>"]
    "s3:DeleteBucketPolicy"                             = ["arn:aws:s3:::svc-<env>-alb-logs-<account>"]
    "s3:PutBucketPublicAccessBlock"                     = ["arn:aws:s3:::svc-<env>-alb-logs-<account>"]
    "s3:PutBucketObjectLockConfiguration"               = ["arn:aws:s3:::svc-<env>-alb-logs-<account>"]
    "s3:BypassGovernanceRetention"                      = ["arn:aws:s3:::svc-<env>-alb-logs-<account>/*"]
    "logs:DeleteLogGroup"                               = ["arn:aws:logs:us-east-1:<account>:log-group:/ecs/svc-<env>*", "arn:aws:logs:us-east-1:<account>:log-group:aws-waf-logs-svc-<env>*"]
    "logs:PutRetentionPolicy"                           = ["arn:aws:logs:us-east-1:<account>:log-group:/ecs/svc-<env>*", "arn:aws:logs:us-east-1:<account>:log-group:aws-waf-logs-svc-<env>*"]
    "logs:DeleteRetentionPolicy"                        = ["arn:aws:logs:us-east-1:<account>:log-group:/ecs/svc-<env>*", "arn:aws:logs:us-east-1:<account>:log-group:aws-waf-logs-svc-<env>*"]
    "wafv2:DeleteLoggingConfiguration"                  = ["arn:aws:wafv2:us-east-1:<account>:regional/webacl/svc-<env>/*"]
    "wafv2:PutLoggingConfiguration"                     = ["arn:aws:wafv2:us-east-1:<account>:regional/webacl/svc-<env>/*"]
    "wafv2:DeleteWebACL"                                = ["arn:aws:wafv2:us-east-1:<account>:regional/webacl/svc-<env>/*"]
    "wafv2:DisassociateWebACL"                          = ["arn:aws:elasticloadbalancing:us-east-1:<account>:loadbalancer/app/svc-<env>/*"]
    "elasticloadbalancing:ModifyLoadBalancerAttributes" = ["arn:aws:elasticloadbalancing:us-east-1:<account>:loadbalancer/app/svc-<env>/*"]
  }
}

run "prod_own_account" {
  command = apply

  variables {
    account_id        = "222222222222"
    oidc_provider_arn = "arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com"
    state_bucket      = "state-222222222222"
    hosted_zone_id    = "Z2222"
  }

  assert {
    condition = alltrue([for action, resources in var.protected :
      toset(flatten([for doc in concat(values(output.roles.infra.inline), [for k in output.roles.infra.managed : output.managed_policies[k]]) : [
        for s in jsondecode(doc).Statement : flatten([s.Resource])
        if s.Effect == "Deny" && contains(flatten([s.Action]), action) && try(s.Condition, null) == null
      ]])) == toset([for r in resources : replace(replace(r, "<env>", "prod"), "<account>", "222222222222")])
    ])
    error_message = "prod's infra role is not denied, on exactly the environment's log resources, every call that erases or diverts its logs."
  }
}

run "prod_shared_account" {
  command = apply

  assert {
    condition = alltrue([for action, resources in var.protected :
      toset(flatten([for doc in concat(values(output.roles.infra.inline), [for k in output.roles.infra.managed : output.managed_policies[k]]) : [
        for s in jsondecode(doc).Statement : flatten([s.Resource])
        if s.Effect == "Deny" && contains(flatten([s.Action]), action) && try(s.Condition, null) == null
      ]])) == toset([for r in resources : replace(replace(r, "<env>", "prod"), "<account>", "111111111111")])
    ])
    error_message = "prod's infra role, beside dev, is not denied, on exactly prod's log resources, every call that erases or diverts its logs."
  }
}

run "dev" {
  command = apply

  variables {
    environment         = "dev"
    repository_arn      = "arn:aws:ecr:us-east-1:111111111111:repository/svc"
    domain_name         = "dev.example.com"
    deletion_protection = false
  }

  assert {
    condition = !anytrue(flatten([for doc in concat(values(output.roles.infra.inline), [for k in output.roles.infra.managed : output.managed_policies[k]]) : [
      for s in jsondecode(doc).Statement : [for action in keys(var.protected) : contains(flatten([s.Action]), action)] if s.Effect == "Deny"
    ]]))
    error_message = "dev's infra role is denied a change to its logs; dev is destroyed with them."
  }
}
