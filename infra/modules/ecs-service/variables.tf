variable "name" {
  description = "Name of the service, task family, target group and log group suffix: `hello-<env>`."
  type        = string

  validation {
    condition     = length(var.name) <= 32
    error_message = "Target group names are at most 32 characters."
  }
}

variable "container_name" {
  description = "Name of the service's container (the service's name, `hello`): the load balancer forwards to it and the release tool swaps its image."
  type        = string
}

variable "environment_name" {
  description = "Environment name (`dev`, `prod`), passed to the container as HELLO_ENVIRONMENT."
  type        = string
}

variable "initial_image" {
  description = "Image of the family's first revision, by digest (`<repository url>@sha256:<digest>`), in the repository of `ecr_repository_arn`. Releases register later revisions; changing this only registers a new base revision."
  type        = string

  validation {
    condition     = can(regex("^[^:@]+@sha256:[0-9a-f]{64}$", var.initial_image))
    error_message = "initial_image must be <repository url>@sha256:<64 hex digits>: pinned by digest, as every release is."
  }
}

variable "ecr_repository_arn" {
  description = "ARN of the environment's image repository: the only one the execution role may pull from."
  type        = string
}

variable "environment" {
  description = "Extra container environment variables (HELLO_ENVIRONMENT is always set; HELLO_REVISION comes from the image)."
  type        = map(string)
  default     = {}

  validation {
    condition     = !contains(keys(var.environment), "HELLO_REVISION") && !contains(keys(var.environment), "HELLO_ENVIRONMENT")
    error_message = "HELLO_REVISION is baked into the image and HELLO_ENVIRONMENT is set from environment_name; do not pass them."
  }
}

variable "cpu" {
  description = "Task CPU units (Fargate sizes: 256, 512, 1024, ...)."
  type        = number
  default     = 256
}

variable "memory" {
  description = "Task memory in MiB, valid for the chosen CPU."
  type        = number
  default     = 512
}

variable "container_port" {
  description = "Port gunicorn listens on."
  type        = number
  default     = 8000
}

variable "health_check_path" {
  description = "Liveness path for the target group and the container health check."
  type        = string
  default     = "/healthz"
}

# A stop, in order: the target group drains the task (deregistration_delay), the container
# gets SIGTERM and finishes its in-flight requests (graceful_timeout), and ECS kills it
# after stop_timeout. Only the caller knows the container's graceful timeout, so it gives
# all three and the module checks their order.
variable "deregistration_delay" {
  description = "Seconds the target group drains a deregistering task (AWS default 300); below graceful_timeout."
  type        = number
}

variable "graceful_timeout" {
  description = "Seconds the container takes after SIGTERM to finish in-flight requests (gunicorn's graceful_timeout); checked against deregistration_delay and stop_timeout."
  type        = number
}

variable "stop_timeout" {
  description = "Seconds ECS waits between SIGTERM and SIGKILL (the container's stopTimeout); above graceful_timeout."
  type        = number

  validation {
    condition     = var.deregistration_delay < var.graceful_timeout && var.graceful_timeout < var.stop_timeout
    error_message = "A task must stop in this order: deregistration_delay < graceful_timeout < stop_timeout (the load balancer stops sending requests, the container finishes those in flight, then ECS kills it)."
  }

  validation {
    condition     = var.stop_timeout <= 120
    error_message = "stop_timeout is at most Fargate's 120 s."
  }
}

variable "cluster_arn" {
  description = "ARN of the ECS cluster."
  type        = string
}

variable "cluster_name" {
  description = "Name of the ECS cluster (for the autoscaling resource ID)."
  type        = string
}

variable "capacity_provider_strategy" {
  description = "Fargate / Fargate Spot mix, e.g. prod `[{capacity_provider = \"FARGATE\", weight = 1, base = 2}]`."
  type = list(object({
    capacity_provider = string
    weight            = number
    base              = number
  }))
  default = [{ capacity_provider = "FARGATE", weight = 1, base = 0 }]
}

variable "min_count" {
  description = "Minimum (and initial) number of tasks."
  type        = number
}

variable "max_count" {
  description = "Maximum number of tasks autoscaling may run."
  type        = number

  validation {
    condition     = var.max_count >= 1
    error_message = "max_count must be at least 1."
  }
}

variable "cpu_target_percent" {
  description = "Average CPU utilisation autoscaling keeps the service at."
  type        = number
  default     = 60
}

variable "deployment_minimum_healthy_percent" {
  description = "Lower bound of running tasks during a deploy, in percent of the desired count."
  type        = number
  default     = 100
}

variable "deployment_maximum_percent" {
  description = "Upper bound of running tasks during a deploy; 200 replaces all tasks in one batch."
  type        = number
  default     = 200
}

variable "health_check_grace_period" {
  description = "Seconds ECS ignores failing load balancer health checks of a new task."
  type        = number
  default     = 10
}

variable "vpc_id" {
  description = "VPC of the tasks and the target group."
  type        = string
}

variable "subnet_ids" {
  description = "Subnets for the tasks, in at least two availability zones."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "Give subnets in at least two availability zones so tasks spread."
  }
}

variable "assign_public_ip" {
  description = "Give tasks public IPs. Needed in public subnets without NAT (the default VPC) to reach ECR; false in private subnets with NAT or VPC endpoints."
  type        = bool
  default     = false
}

variable "alb_security_group_id" {
  description = "Security group of the load balancer; the only source the tasks accept."
  type        = string
}

variable "listener_arn" {
  description = "Listener to attach the forwarding rule to."
  type        = string
}

variable "host_name" {
  description = "Host name the forwarding rule admits: the environment's domain, as the alb module serves (and checks) it; other hosts get the listener's default 404. Empty admits any host: only for a load balancer without a domain, reached by its DNS name."
  type        = string
}

variable "listener_rule_priority" {
  description = "Priority of the forwarding rule on the listener."
  type        = number
  default     = 100
}

variable "lb_arn_suffix" {
  description = "ARN suffix of the load balancer, for the alarms' dimensions."
  type        = string
}

variable "health_check_interval" {
  description = "Seconds between target group health checks (AWS default 30)."
  type        = number
  default     = 5
}

variable "health_check_timeout" {
  description = "Seconds a health check may take; below the interval."
  type        = number
  default     = 2
}

variable "health_check_healthy_threshold" {
  description = "Consecutive successes before a target is healthy (AWS default 5)."
  type        = number
  default     = 2
}

variable "health_check_unhealthy_threshold" {
  description = "Consecutive failures before a target is unhealthy."
  type        = number
  default     = 2
}

variable "log_retention_days" {
  description = "Days to keep the container logs."
  type        = number
  default     = 365
}

variable "log_kms_key_arn" {
  description = "Customer KMS key for the log group; null uses the service key."
  type        = string
  default     = null
}

variable "alarm_actions" {
  description = "ARNs notified when an alarm fires and when it clears: the environment's alerts topic (alerts module)."
  type        = list(string)

  validation {
    condition     = length(var.alarm_actions) > 0
    error_message = "Give at least one alarm action (the alerts topic), so that alarms reach people."
  }
}

variable "alarm_period" {
  description = "Seconds per datapoint of the deployment alarms (CloudWatch allows 10, 30 or a multiple of 60)."
  type        = number
  default     = 60

  validation {
    condition     = contains([10, 30], var.alarm_period) || var.alarm_period % 60 == 0
    error_message = "alarm_period must be 10, 30 or a multiple of 60 seconds."
  }
}

variable "alarm_evaluation_periods" {
  description = "Periods the deployment alarms look back over; period x evaluation periods is the window ECS waits out (bake time) before a deployment completes."
  type        = number
  default     = 3
}

variable "alarm_datapoints_to_alarm" {
  description = "Breaching datapoints among the evaluation periods that put a deployment alarm in ALARM."
  type        = number
  default     = 2

  validation {
    condition     = var.alarm_datapoints_to_alarm >= 1
    error_message = "alarm_datapoints_to_alarm must be at least 1."
  }
}

variable "target_5xx_rate_threshold" {
  description = "Percent of requests answered 5xx by the tasks above which the 5xx-rate alarm breaches."
  type        = number
  default     = 5

  validation {
    condition     = var.target_5xx_rate_threshold > 0 && var.target_5xx_rate_threshold < 100
    error_message = "target_5xx_rate_threshold is a percentage between 0 and 100."
  }
}

variable "target_5xx_min_requests" {
  description = "Requests per period below which the 5xx rate counts as 0 (one error among three requests is not an outage)."
  type        = number
  default     = 10
}

variable "target_p99_latency_threshold" {
  description = "Seconds of p99 target response time above which the latency alarm breaches."
  type        = number
  default     = 1
}

variable "tags" {
  description = "Extra tags (the provider's default_tags already carry service, environment, repository, managed-by)."
  type        = map(string)
  default     = {}
}

variable "permissions_boundary" {
  description = "Permissions boundary of the task and execution roles (the ci-roles module's `permissions_boundary_arn`): the infra role may create and change roles only with it."
  type        = string
  default     = null
}
