output "bucket_policy" {
  description = "The access-log bucket's policy (JSON)."
  value       = local.bucket_policy
}
