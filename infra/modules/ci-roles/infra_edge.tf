# infra (edge): the alb module's certificate, DNS records, access-log bucket and web ACL.
# Part of the infra role's policy (infra.tf).

data "aws_iam_policy_document" "infra_edge" {
  # A certificate for the environment's domain only, validated through DNS, carrying the
  # project's tags from its request on (the provider tags it in RequestCertificate).
  dynamic "statement" {
    for_each = local.domains

    content {
      sid     = "CertificateRequest"
      actions = ["acm:RequestCertificate"]
      # aws-api-requires-wildcard: RequestCertificate has no certificate ARN before the certificate exists; the domain, validation method and request tags scope it.
      resources = ["*"]

      condition {
        test     = "ForAllValues:StringEquals"
        variable = "acm:DomainNames"
        values   = [statement.value]
      }

      condition {
        test     = "StringEquals"
        variable = "acm:ValidationMethod"
        values   = ["DNS"]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:RequestTag/service"
        values   = [var.service]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:RequestTag/environment"
        values   = [var.environment]
      }
    }
  }

  # Tagging on request is authorised as AddTagsToCertificate too. It may only add the
  # project's tags, and never to a certificate another environment or project has tagged.
  dynamic "statement" {
    for_each = local.domains

    content {
      sid     = "CertificateTagOnRequest"
      actions = ["acm:AddTagsToCertificate"]
      # aws-api-requires-wildcard: tagging inside RequestCertificate is authorised before the certificate has an ARN; the request and resource tag conditions scope it.
      resources = ["*"]

      condition {
        test     = "StringEquals"
        variable = "aws:RequestTag/service"
        values   = [var.service]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:RequestTag/environment"
        values   = [var.environment]
      }

      condition {
        test     = "StringEqualsIfExists"
        variable = "aws:ResourceTag/service"
        values   = [var.service]
      }

      condition {
        test     = "StringEqualsIfExists"
        variable = "aws:ResourceTag/environment"
        values   = [var.environment]
      }
    }
  }

  dynamic "statement" {
    for_each = local.domains

    content {
      sid = "CertificatesOfTheEnvironment"
      actions = [
        "acm:AddTagsToCertificate",
        "acm:DeleteCertificate",
        "acm:RemoveTagsFromCertificate",
      ]
      resources = [local.certificates_arn]

      condition {
        test     = "StringEquals"
        variable = "aws:ResourceTag/service"
        values   = [var.service]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:ResourceTag/environment"
        values   = [var.environment]
      }
    }
  }

  # Records in the environment's own hosted zone, for its domain only: the alias records
  # (A, AAAA) and the certificate's validation record (a CNAME named `_<token>.<domain>`).
  dynamic "statement" {
    for_each = local.domains

    content {
      sid       = "DnsRecordsOfTheDomain"
      actions   = ["route53:ChangeResourceRecordSets"]
      resources = ["arn:${local.partition}:route53:::hostedzone/${var.hosted_zone_id}"]

      condition {
        test     = "ForAllValues:StringLike"
        variable = "route53:ChangeResourceRecordSetsNormalizedRecordNames"
        values   = [statement.value, "_*.${statement.value}"]
      }

      condition {
        test     = "ForAllValues:StringEquals"
        variable = "route53:ChangeResourceRecordSetsRecordTypes"
        values   = ["A", "AAAA", "CNAME"]
      }
    }
  }

  # The access-log bucket and its settings. Tags go through PutBucketTagging or, in newer
  # provider versions, S3 Control's TagResource and UntagResource.
  statement {
    sid = "AccessLogBucket"
    actions = [
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
    resources = [local.access_logs_bucket_arn]
  }

  # Without deletion protection (dev) the alb module destroys the bucket with its logs
  # (force_destroy): every version and delete marker goes first. Prod's logs stay.
  dynamic "statement" {
    for_each = var.deletion_protection ? [] : [1]

    content {
      sid       = "AccessLogBucketEmpty"
      actions   = ["s3:ListBucketVersions"]
      resources = [local.access_logs_bucket_arn]
    }
  }

  dynamic "statement" {
    for_each = var.deletion_protection ? [] : [1]

    content {
      sid       = "AccessLogObjectsDelete"
      actions   = ["s3:DeleteObject", "s3:DeleteObjectVersion"]
      resources = ["${local.access_logs_bucket_arn}/*"]
    }
  }

  # Managing the bucket policy could grant the role the logs themselves: an explicit deny
  # here outweighs any such grant (same account), so it never reads or writes a log and,
  # with deletion protection, never deletes one.
  statement {
    sid       = "DenyAccessLogObjects"
    effect    = "Deny"
    actions   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]
    resources = ["${local.access_logs_bucket_arn}/*"]
  }

  dynamic "statement" {
    for_each = var.deletion_protection ? [1] : []

    content {
      sid       = "DenyAccessLogObjectsDelete"
      effect    = "Deny"
      actions   = ["s3:DeleteObject", "s3:DeleteObjectVersion"]
      resources = ["${local.access_logs_bucket_arn}/*"]
    }
  }

  # The environment's web ACL; creating or updating it with AWS managed rule groups is
  # authorised on those rule groups too.
  statement {
    sid = "WebAcl"
    actions = [
      "wafv2:CreateWebACL",
      "wafv2:DeleteLoggingConfiguration",
      "wafv2:DeleteWebACL",
      "wafv2:TagResource",
      "wafv2:UntagResource",
      "wafv2:UpdateWebACL",
    ]
    resources = [local.web_acl_arn]
  }

  statement {
    sid       = "WebAclManagedRuleGroups"
    actions   = ["wafv2:CreateWebACL", "wafv2:UpdateWebACL"]
    resources = ["arn:${local.partition}:wafv2:${local.region}:${local.account_id}:regional/managedruleset/*/*"]
  }

  # Attaching is authorised on the web ACL and the load balancer, detaching on the load
  # balancer; ELB's own SetWebAcl comes with both.
  statement {
    sid       = "WebAclAssociation"
    actions   = ["wafv2:AssociateWebACL"]
    resources = [local.web_acl_arn, local.load_balancer_arn]
  }

  statement {
    sid       = "WebAclDisassociation"
    actions   = ["wafv2:DisassociateWebACL"]
    resources = [local.load_balancer_arn]
  }

  statement {
    sid     = "LoadBalancerWebAcl"
    actions = ["elasticloadbalancing:SetWebAcl"]
    # aws-api-requires-wildcard: elasticloadbalancing:SetWebAcl has no resource-level permissions; wafv2:AssociateWebACL (WebAclAssociation) names the ACL and the load balancer.
    resources = ["*"]
  }

  # The web ACL logs to the environment's aws-waf-logs- log group only.
  statement {
    sid       = "WebAclLogging"
    actions   = ["wafv2:PutLoggingConfiguration"]
    resources = [local.web_acl_arn]

    condition {
      test     = "ArnLike"
      variable = "wafv2:LogDestinationResource"
      values   = ["${local.waf_log_group_arn}*"]
    }
  }

  # WAF delivers its logs as CloudWatch Logs vended logs: the caller creates the delivery
  # and lets WAF add the log group resource policy it writes through.
  statement {
    sid = "WebAclLogDelivery"
    actions = [
      "logs:CreateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:DescribeResourcePolicies",
      "logs:PutResourcePolicy",
    ]
    # aws-api-requires-wildcard: CreateLogDelivery, DeleteLogDelivery, DescribeResourcePolicies and PutResourcePolicy have no resource-level permissions.
    resources = ["*"]
  }
}
