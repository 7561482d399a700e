output "register_task_definition_pattern" {
  description = "Event pattern (JSON): a RegisterTaskDefinition of `task_family` naming any image that is not `<image_repository_url>@sha256:...`."
  value       = jsonencode(local.register_task_definition)
}

output "update_service_pattern" {
  description = "Event pattern (JSON): an UpdateService of `service_name` that sends a desired count, load balancers, a capacity provider strategy or a deployment configuration."
  value       = jsonencode(local.update_service.changes)
}

output "update_service_settings_pattern" {
  description = "Event pattern (JSON): an UpdateService of `service_name` that sends any other field a release never sends (placement, network, platform version, health check grace period, ECS Exec, tags, deployment controller, service registries, Service Connect, volumes, VPC Lattice, a forced new deployment)."
  value       = jsonencode(local.update_service.settings)
}
