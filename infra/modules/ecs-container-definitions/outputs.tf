output "container_definitions" {
  description = "JSON list of the one container's definition, for aws_ecs_task_definition's container_definitions."
  value       = jsonencode([local.container])
}
