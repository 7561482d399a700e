# infra (logs): with deletion protection (prod), what the infra role may never do to the
# environment's logs, so that a compromised role cannot erase or divert its own traces:
# the access-log bucket's expiry, policy, public access block and object lock (and
# bypassing that lock), the service's and the web ACL's log groups and their retention,
# the web ACL's logging, the web ACL itself and its association, and the load balancer's
# attributes (among them its access logs).
# Explicit denies, in the infra role's own inline policy `logs` (outputs.tf), as its other
# limits are; they outweigh every allow.
#
# IAM cannot tell which load balancer attribute or bucket setting a call changes, so in
# prod these settings change only through a reviewed admin apply (alb module README).

locals {
  infra_log_denies = [for statement in [
    {
      Sid    = "DenyAccessLogBucketSettings"
      Effect = "Deny"
      Action = [
        "s3:DeleteBucketPolicy",
        "s3:PutBucketObjectLockConfiguration",
        "s3:PutBucketPolicy",
        "s3:PutBucketPublicAccessBlock",
        "s3:PutLifecycleConfiguration",
      ]
      Resource = local.access_logs_bucket_arn
    },
    # Object Lock holds every log version in prod (alb module); only a bypass lifts it.
    {
      Sid      = "DenyAccessLogRetentionBypass"
      Effect   = "Deny"
      Action   = "s3:BypassGovernanceRetention"
      Resource = "${local.access_logs_bucket_arn}/*"
    },
    {
      Sid      = "DenyLogGroupRemoval"
      Effect   = "Deny"
      Action   = ["logs:DeleteLogGroup", "logs:DeleteRetentionPolicy", "logs:PutRetentionPolicy"]
      Resource = local.log_group_arns
    },
    # PutLoggingConfiguration can also drop every request with a logging filter.
    {
      Sid      = "DenyWebAclLoggingChanges"
      Effect   = "Deny"
      Action   = ["wafv2:DeleteLoggingConfiguration", "wafv2:PutLoggingConfiguration"]
      Resource = local.web_acl_arn
    },
    # Without its web ACL, or with the web ACL taken off the load balancer, WAF logs nothing.
    {
      Sid      = "DenyWebAclRemoval"
      Effect   = "Deny"
      Action   = "wafv2:DeleteWebACL"
      Resource = local.web_acl_arn
    },
    {
      Sid      = "DenyWebAclDisassociation"
      Effect   = "Deny"
      Action   = "wafv2:DisassociateWebACL"
      Resource = local.load_balancer_arn
    },
    {
      Sid      = "DenyLoadBalancerAttributes"
      Effect   = "Deny"
      Action   = "elasticloadbalancing:ModifyLoadBalancerAttributes"
      Resource = local.load_balancer_arn
    },
  ] : statement if var.deletion_protection]
}
