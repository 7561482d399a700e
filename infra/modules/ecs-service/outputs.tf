output "service_name" {
  description = "ECS service name."
  value       = aws_ecs_service.this.name
}

output "task_family" {
  description = "Task definition family; releases register new revisions in it."
  value       = aws_ecs_task_definition.this.family
}

output "initial_task_definition_arn" {
  description = "The revision Terraform registered (releases register later ones)."
  value       = aws_ecs_task_definition.this.arn
}

output "execution_role_arn" {
  description = "Role the ECS agent uses to pull the image and write logs."
  value       = aws_iam_role.execution.arn
}

output "task_role_arn" {
  description = "Role of the application (no permissions)."
  value       = aws_iam_role.task.arn
}

output "target_group_arn" {
  description = "Target group of the service."
  value       = aws_lb_target_group.this.arn
}

output "log_group_name" {
  description = "Log group of the container."
  value       = aws_cloudwatch_log_group.this.name
}

output "security_group_id" {
  description = "Security group of the tasks."
  value       = aws_security_group.service.id
}

output "deployment_alarm_names" {
  description = "Alarms that fail and roll back a deployment (the service's deployment configuration); the release tool checks them before promoting."
  value       = local.deployment_alarm_names
}

output "alarm_names" {
  description = "Every alarm of the service; each notifies alarm_actions."
  value = [
    aws_cloudwatch_metric_alarm.target_5xx_rate.alarm_name,
    aws_cloudwatch_metric_alarm.target_p99_latency.alarm_name,
    aws_cloudwatch_metric_alarm.unhealthy_hosts.alarm_name,
  ]
}
