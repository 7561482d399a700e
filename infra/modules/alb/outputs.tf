output "lb_name" {
  description = "Load balancer name."
  value       = aws_lb.this.name
}

output "lb_arn" {
  description = "Load balancer ARN."
  value       = aws_lb.this.arn
}

output "lb_arn_suffix" {
  description = "ARN suffix used as the LoadBalancer dimension of CloudWatch metrics."
  value       = aws_lb.this.arn_suffix
}

output "dns_name" {
  description = "Public DNS name of the load balancer."
  value       = aws_lb.this.dns_name
}

output "https" {
  description = "Whether the service is served over HTTPS (a domain is set). False means plain HTTP on the load balancer's DNS name, which only dev may run."
  value       = local.https
}

output "url" {
  description = "Base URL of the service: https://<domain_name> with a domain, else http://<load balancer DNS name>."
  value       = local.https ? "https://${var.domain_name}" : "http://${aws_lb.this.dns_name}"
}

output "listener_arn" {
  description = "The listener that forwards traffic (HTTPS with a domain, else HTTP); services attach their rules here."
  value       = local.https ? aws_lb_listener.https[0].arn : aws_lb_listener.http.arn
}

output "certificate_arn" {
  description = "The issued ACM certificate of domain_name (ci-roles requests it) that the HTTPS listener serves; null without a domain."
  value       = local.https ? data.aws_acm_certificate.this[0].arn : null
}

output "access_logs_bucket" {
  description = "S3 bucket that receives the load balancer's access logs."
  value       = aws_s3_bucket.access_logs.id
}

output "web_acl_arn" {
  description = "The WAF web ACL attached to the load balancer; null when waf_enabled is false."
  value       = var.waf_enabled ? aws_wafv2_web_acl.this[0].arn : null
}

output "waf_log_group_name" {
  description = "CloudWatch log group of the WAF logs; null when waf_enabled is false."
  value       = var.waf_enabled ? aws_cloudwatch_log_group.waf[0].name : null
}

output "security_group_id" {
  description = "Security group of the load balancer; services admit traffic from it only."
  value       = aws_security_group.this.id
}
