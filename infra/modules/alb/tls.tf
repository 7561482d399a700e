# HTTPS for domain_name: a DNS-validated ACM certificate, validated through records in
# the hosted zone, and alias records that point the name at the load balancer.
# Nothing here exists without a domain.

resource "aws_acm_certificate" "this" {
  count = local.https ? 1 : 0

  domain_name       = var.domain_name
  validation_method = "DNS"
  tags              = merge(var.tags, { Name = var.domain_name })

  lifecycle {
    # A new certificate (another domain) is issued and attached before the old one goes.
    create_before_destroy = true
  }
}

resource "aws_route53_record" "validation" {
  for_each = {
    for option in flatten(aws_acm_certificate.this[*].domain_validation_options) :
    option.domain_name => option
  }

  zone_id         = var.hosted_zone_id
  name            = each.value.resource_record_name
  type            = each.value.resource_record_type
  records         = [each.value.resource_record_value]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "this" {
  count = local.https ? 1 : 0

  certificate_arn         = aws_acm_certificate.this[0].arn
  validation_record_fqdns = [for record in aws_route53_record.validation : record.fqdn]
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
