# The environment's certificate for domain_name, validated through DNS records in its
# zone. An admin applies it here, so the infra role requests, tags and deletes no
# certificate: tagging inside RequestCertificate is authorised before the certificate has
# an ARN, so no condition tells it apart from tagging someone else's untagged certificate
# into the project's scope (docs/decisions/0005-shared-account.md). The alb module finds
# the issued certificate by its domain. Re-applied when domain_name changes.

resource "aws_acm_certificate" "this" {
  count = var.domain_name == "" ? 0 : 1

  domain_name       = var.domain_name
  validation_method = "DNS"
  tags              = merge(var.tags, { Name = var.domain_name })

  lifecycle {
    # A new certificate (another domain) is issued before the old one goes; the old one
    # goes once the load balancer no longer serves it (ACM refuses to delete it before).
    create_before_destroy = true
  }
}

resource "aws_route53_record" "certificate_validation" {
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
  count = var.domain_name == "" ? 0 : 1

  certificate_arn         = aws_acm_certificate.this[0].arn
  validation_record_fqdns = [for record in aws_route53_record.certificate_validation : record.fqdn]
}
