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

output "url" {
  description = "Base URL of the service behind the load balancer."
  value       = "${local.https ? "https" : "http"}://${aws_lb.this.dns_name}"
}

output "listener_arn" {
  description = "The listener that serves traffic (HTTPS when a certificate is given, else HTTP); services attach their rules here."
  value       = local.https ? aws_lb_listener.https[0].arn : aws_lb_listener.http.arn
}

output "security_group_id" {
  description = "Security group of the load balancer; services admit traffic from it only."
  value       = aws_security_group.this.id
}
