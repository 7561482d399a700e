output "key_policy" {
  description = "Policy (JSON) of the KMS key encrypting the alerts topic."
  value       = local.key_policy
}

output "topic_policy" {
  description = "Policy (JSON) of the alerts topic."
  value       = local.topic_policy
}
