output "roles" {
  description = "The service's roles, `execution` and `task`: each one's trust policy, inline policies (name -> JSON) and managed policy keys (none)."
  value = {
    execution = {
      trust   = local.ecs_tasks_trust
      inline  = { "pull-image-write-logs" = local.execution }
      managed = []
    }
    task = {
      trust   = local.ecs_tasks_trust
      inline  = {}
      managed = []
    }
  }
}
