variable "repository" {
  description = "Name of the repository, without its owner (the caller's github provider sets the owner)."
  type        = string
}

variable "deployment_branch" {
  description = "The one branch every environment accepts deployments from, and the branch the ruleset protects."
  type        = string
  default     = "main"
}

variable "environments" {
  description = <<-EOT
    GitHub environments by name. `reviewers` (GitHub logins and team slugs) makes a
    deployment wait for one of them to approve; whoever started the run cannot approve it.
    `variables` are the environment's Actions variables.
  EOT
  type = map(object({
    reviewers = optional(object({
      users = optional(list(string), [])
      teams = optional(list(string), [])
    }))
    variables = optional(map(string), {})
  }))

  validation {
    condition = alltrue([
      for environment in var.environments :
      length(environment.reviewers.users) + length(environment.reviewers.teams) >= 1 &&
      length(environment.reviewers.users) + length(environment.reviewers.teams) <= 6
      if environment.reviewers != null
    ])
    error_message = "An environment with reviewers needs between one and six of them (users and teams together)."
  }
}

variable "required_checks" {
  description = "Status checks that must pass on a pull request before it merges: the job names of the CI workflow, reported by GitHub Actions."
  type        = list(string)

  validation {
    condition     = length(var.required_checks) > 0
    error_message = "Name at least one required check."
  }
}

variable "required_approvals" {
  description = "Approving reviews a pull request needs before it merges."
  type        = number
  default     = 1

  validation {
    condition     = var.required_approvals >= 1
    error_message = "At least one approval: no unreviewed change reaches the deployment branch."
  }
}

variable "repository_variables" {
  description = "Repository-level Actions variables, read by jobs that run outside any environment (and by the others unless their environment sets the same name)."
  type        = map(string)
  default     = {}
}
