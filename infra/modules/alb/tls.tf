# HTTPS for domain_name: the certificate the admin-applied ci-roles unit requested and
# validated for it (the infra role that applies this module requests, tags and deletes
# no certificate: docs/decisions/0005-shared-account.md), and alias records that point
# the name at the load balancer. Nothing here exists without a domain.

data "aws_acm_certificate" "this" {
  count = local.https ? 1 : 0

  domain      = var.domain_name
  statuses    = ["ISSUED"]
  types       = ["AMAZON_ISSUED"]
  most_recent = true
}

# Created here before, now ci-roles' (docs/bootstrap.md says how an environment that has
# them moves them there): forgotten, never destroyed.
removed {
  from = aws_acm_certificate.this

  lifecycle {
    destroy = false
  }
}

removed {
  from = aws_route53_record.validation

  lifecycle {
    destroy = false
  }
}

removed {
  from = aws_acm_certificate_validation.this

  lifecycle {
    destroy = false
  }
}

# A always; AAAA only when the load balancer has IPv6 addresses (dualstack): an AAAA
# alias to an IPv4-only load balancer would answer with no address at all.
resource "aws_route53_record" "alias" {
  for_each = toset(local.https ? (var.dualstack ? ["A", "AAAA"] : ["A"]) : [])

  zone_id = var.hosted_zone_id
  name    = var.domain_name
  type    = each.value

  alias {
    name                   = aws_lb.this.dns_name
    zone_id                = aws_lb.this.zone_id
    evaluate_target_health = true
  }
}
