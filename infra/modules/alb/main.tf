# The public entry point. Listeners answer 404 by default; the ecs-service module
# adds the rule that forwards to its target group, so the ALB outlives any service.
# With a domain the service is HTTPS only (tls.tf): HTTP answers with a 301 to HTTPS.
# Without one (dev may) it serves plain HTTP on the load balancer's DNS name.
# Access logs (access_logs.tf) are always on; a WAF web ACL (waf.tf) is an input.

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_partition" "current" {}

# What the load balancer, its web ACL, log group and access-log bucket are called: the
# names ci-roles grants the infra role (../platform-names).
module "names" {
  source = "../platform-names"

  name       = var.name
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region
  partition  = data.aws_partition.current.partition
}

locals {
  https           = var.domain_name != ""
  ip_address_type = var.dualstack ? "dualstack" : "ipv4"

  # Who may reach the listeners: IPv4 CIDRs always, IPv6 ones when the ALB is dualstack.
  ingress = merge(
    { for cidr in var.ingress_cidr_blocks : cidr => { ipv4 = cidr, ipv6 = null } },
    var.dualstack ? { for cidr in var.ingress_ipv6_cidr_blocks : cidr => { ipv4 = null, ipv6 = cidr } } : {},
  )
}

data "aws_vpc" "this" {
  id = var.vpc_id
}

data "aws_subnet" "this" {
  for_each = var.dualstack ? toset(var.subnet_ids) : toset([])

  id = each.value
}

resource "aws_security_group" "this" {
  name        = "${var.name}-alb"
  description = "Load balancer ${var.name}: HTTP(S) in from the allowed CIDRs, out to the targets' port in the VPC"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-alb" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "http" {
  # checkov:skip=CKV_AWS_260:A public web service answers on port 80: plain HTTP without a domain, else only a 301 to HTTPS; ingress_cidr_blocks narrows it.
  for_each = local.ingress

  security_group_id = aws_security_group.this.id
  description       = "HTTP from ${each.key}${local.https ? " (redirected to HTTPS)" : ""}"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = each.value.ipv4
  cidr_ipv6         = each.value.ipv6
}

resource "aws_vpc_security_group_ingress_rule" "https" {
  for_each = local.https ? local.ingress : {}

  security_group_id = aws_security_group.this.id
  description       = "HTTPS from ${each.key}"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.value.ipv4
  cidr_ipv6         = each.value.ipv6
}

resource "aws_vpc_security_group_egress_rule" "targets" {
  security_group_id = aws_security_group.this.id
  description       = "To the targets' port inside the VPC"
  ip_protocol       = "tcp"
  from_port         = var.target_port
  to_port           = var.target_port
  cidr_ipv4         = data.aws_vpc.this.cidr_block
}

resource "aws_lb" "this" {
  # checkov:skip=CKV2_AWS_28:The web ACL (waf.tf) is attached when waf_enabled is true (always in prod); dev may run without one to save cost.
  # checkov:skip=CKV2_AWS_76:The web ACL has the Log4j rules (AWSManagedRulesKnownBadInputsRuleSet); the check also wants AWSManagedRulesAnonymousIpList, which would block VPN and cloud-hosted clients of a public service.
  name                       = module.names.load_balancer_name
  load_balancer_type         = "application"
  internal                   = false
  ip_address_type            = local.ip_address_type
  security_groups            = [aws_security_group.this.id]
  subnets                    = var.subnet_ids
  drop_invalid_header_fields = true
  enable_deletion_protection = var.deletion_protection
  idle_timeout               = var.idle_timeout

  access_logs {
    bucket  = aws_s3_bucket.access_logs.id
    enabled = true
  }

  tags = var.tags

  # The load balancer checks that it may write to the bucket when logging is turned on.
  depends_on = [aws_s3_bucket_policy.access_logs]

  lifecycle {
    precondition {
      condition     = alltrue([for subnet in data.aws_subnet.this : subnet.ipv6_cidr_block != ""])
      error_message = "dualstack needs subnets with an IPv6 CIDR block; the default VPC's have none."
    }
  }
}

resource "aws_lb_listener" "http" {
  # checkov:skip=CKV_AWS_2:Without a domain (dev may) HTTP is the only listener; with one, this listener only redirects to HTTPS (301).
  # checkov:skip=CKV2_AWS_20:Same reason: the redirect exists exactly when a domain is given, which prod requires (require_https).
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = local.https ? "redirect" : "fixed-response"

    dynamic "redirect" {
      for_each = local.https ? [1] : []

      content {
        port        = "443"
        protocol    = "HTTPS"
        status_code = "HTTP_301"
      }
    }

    dynamic "fixed_response" {
      for_each = local.https ? [] : [1]

      content {
        content_type = "text/plain"
        message_body = "Not Found"
        status_code  = "404"
      }
    }
  }

  tags = var.tags
}

resource "aws_lb_listener" "https" {
  count = local.https ? 1 : 0

  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = data.aws_acm_certificate.this[0].arn

  # The load balancer adds Strict-Transport-Security to every HTTPS response.
  routing_http_response_strict_transport_security_header_value = var.hsts_header_value

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "Not Found"
      status_code  = "404"
    }
  }

  tags = var.tags
}
