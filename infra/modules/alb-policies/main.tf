# The access-log bucket's policy: nothing over plain HTTP, and only the region's Elastic
# Load Balancing account writes, only the load balancer's log prefix. That account is
# the documented principal in Regions opened before August 2022, us-east-1 among them;
# Regions opened later take the service principal
# logdelivery.elasticloadbalancing.amazonaws.com instead.

locals {
  bucket_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [var.bucket_arn, "${var.bucket_arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "ElbLogDelivery"
        Effect    = "Allow"
        Principal = { AWS = var.elb_service_account_arn }
        Action    = "s3:PutObject"
        Resource  = "${var.bucket_arn}/AWSLogs/${var.account_id}/*"
      },
    ]
  })
}
