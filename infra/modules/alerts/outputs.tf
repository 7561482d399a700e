output "topic_arn" {
  description = "ARN of the `<name>-alerts` topic: the alarm and OK action of every alarm of the environment."
  value       = aws_sns_topic.this.arn
}

output "topic_name" {
  description = "Name of the alerts topic."
  value       = aws_sns_topic.this.name
}

output "kms_key_alias" {
  description = "Alias of the customer-managed key encrypting the topic (ci-roles creates it)."
  value       = module.names.alerts_key_alias
}

output "subscribed_emails" {
  description = "Addresses subscribed to the topic (each pending until it confirms)."
  value       = sort([for subscription in aws_sns_topic_subscription.email : subscription.endpoint])
}
