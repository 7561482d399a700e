# infra (edge): the alb module's DNS records, access-log bucket and web ACL.
# A managed policy of the infra role (outputs.tf).

locals {
  infra_edge = concat(
    # The alias records (A, AAAA) of the environment's domain, in its own hosted zone. The
    # certificate and its validation record are ci-roles' (certificate.tf there): no ACM
    # write here, because tagging inside RequestCertificate is authorised on no certificate
    # ARN, and so would let an untagged certificate be tagged into the project's scope.
    [for domain in local.domains : {
      Sid      = "DnsRecordsOfTheDomain"
      Effect   = "Allow"
      Action   = "route53:ChangeResourceRecordSets"
      Resource = "arn:${local.partition}:route53:::hostedzone/${var.hosted_zone_id}"
      Condition = {
        "ForAllValues:StringEquals" = {
          "route53:ChangeResourceRecordSetsNormalizedRecordNames" = [domain]
          "route53:ChangeResourceRecordSetsRecordTypes"           = ["A", "AAAA"]
        }
      }
    }],
    [
      # The access-log bucket and its settings. Tags go through PutBucketTagging or, in
      # newer provider versions, S3 Control's TagResource and UntagResource.
      {
        Sid    = "AccessLogBucket"
        Effect = "Allow"
        Action = [
          "s3:CreateBucket",
          "s3:DeleteBucket",
          "s3:DeleteBucketPolicy",
          "s3:PutBucketOwnershipControls",
          "s3:PutBucketPolicy",
          "s3:PutBucketPublicAccessBlock",
          "s3:PutBucketTagging",
          "s3:PutBucketVersioning",
          "s3:PutEncryptionConfiguration",
          "s3:PutLifecycleConfiguration",
          "s3:TagResource",
          "s3:UntagResource",
        ]
        Resource = local.access_logs_bucket_arn
      },
    ],
    # Without deletion protection (dev) the alb module destroys the bucket with its logs
    # (force_destroy): every version and delete marker goes first. Prod's logs stay.
    [for statement in [
      {
        Sid      = "AccessLogBucketEmpty"
        Effect   = "Allow"
        Action   = "s3:ListBucketVersions"
        Resource = local.access_logs_bucket_arn
      },
      {
        Sid      = "AccessLogObjectsDelete"
        Effect   = "Allow"
        Action   = ["s3:DeleteObject", "s3:DeleteObjectVersion"]
        Resource = "${local.access_logs_bucket_arn}/*"
      },
    ] : statement if !var.deletion_protection],
    # Managing the bucket policy could grant the role the logs themselves: an explicit
    # deny outweighs any such grant (same account), so it never reads or writes a log
    # and, with deletion protection, never deletes one.
    [
      {
        Sid      = "DenyAccessLogObjects"
        Effect   = "Deny"
        Action   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]
        Resource = "${local.access_logs_bucket_arn}/*"
      },
    ],
    [for statement in [
      {
        Sid      = "DenyAccessLogObjectsDelete"
        Effect   = "Deny"
        Action   = ["s3:DeleteObject", "s3:DeleteObjectVersion"]
        Resource = "${local.access_logs_bucket_arn}/*"
      },
    ] : statement if var.deletion_protection],
    [
      # The environment's web ACL; creating or updating it with AWS managed rule groups
      # is authorised on those rule groups too.
      {
        Sid    = "WebAcl"
        Effect = "Allow"
        Action = [
          "wafv2:CreateWebACL",
          "wafv2:DeleteLoggingConfiguration",
          "wafv2:DeleteWebACL",
          "wafv2:TagResource",
          "wafv2:UntagResource",
          "wafv2:UpdateWebACL",
        ]
        Resource = local.web_acl_arn
      },
      {
        Sid      = "WebAclManagedRuleGroups"
        Effect   = "Allow"
        Action   = ["wafv2:CreateWebACL", "wafv2:UpdateWebACL"]
        Resource = "arn:${local.partition}:wafv2:${local.region}:${local.account_id}:regional/managedruleset/*/*"
      },
      # Attaching is authorised on the web ACL and the load balancer, detaching on the
      # load balancer; ELB's own SetWebAcl comes with both.
      {
        Sid      = "WebAclAssociation"
        Effect   = "Allow"
        Action   = "wafv2:AssociateWebACL"
        Resource = [local.web_acl_arn, local.load_balancer_arn]
      },
      {
        Sid      = "WebAclDisassociation"
        Effect   = "Allow"
        Action   = "wafv2:DisassociateWebACL"
        Resource = local.load_balancer_arn
      },
      {
        Sid    = "LoadBalancerWebAcl"
        Effect = "Allow"
        Action = "elasticloadbalancing:SetWebAcl"
        # aws-api-requires-wildcard: elasticloadbalancing:SetWebAcl has no resource-level permissions; wafv2:AssociateWebACL (WebAclAssociation) names the ACL and the load balancer.
        Resource = "*"
      },
      # The web ACL logs to the environment's aws-waf-logs- log group only.
      {
        Sid       = "WebAclLogging"
        Effect    = "Allow"
        Action    = "wafv2:PutLoggingConfiguration"
        Resource  = local.web_acl_arn
        Condition = { ArnLike = { "wafv2:LogDestinationResource" = "${local.waf_log_group_arn}*" } }
      },
      # WAF delivers its logs as CloudWatch Logs vended logs: the caller creates the
      # delivery and lets WAF add the log group resource policy it writes through.
      {
        Sid    = "WebAclLogDelivery"
        Effect = "Allow"
        Action = ["logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:DescribeResourcePolicies", "logs:PutResourcePolicy"]
        # aws-api-requires-wildcard: CreateLogDelivery, DeleteLogDelivery, DescribeResourcePolicies and PutResourcePolicy have no resource-level permissions.
        Resource = "*"
      },
    ],
  )
}
