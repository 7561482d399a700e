# Test helper for roles.tftest.hcl: which roles may call each of `actions` on each of
# `objects`, read from the documents a run of the module computed. A role may when an
# Allow statement of its inline or attached managed policies names the action (no Allow
# names a wildcard action: test_no_document_allows_a_wildcard_action) or uses NotAction,
# and names a Resource pattern covering the object (`*` any run of characters, `?` one
# character) or uses NotResource, whatever its conditions; and no Deny statement without
# conditions names the action (or `s3:*`) and a pattern covering the object. A Deny with
# conditions may not apply, so it never counts.

variable "roles" {
  description = "The module's `roles` output."
  type        = any
}

variable "managed_policies" {
  description = "The module's `managed_policies` output."
  type        = map(string)
}

variable "objects" {
  description = "Name -> S3 object ARN to look up."
  type        = map(string)
}

variable "actions" {
  description = "The S3 object actions to look up."
  type        = list(string)
  default     = ["s3:DeleteObject", "s3:PutObject"]
}

locals {
  statements = { for role, docs in var.roles : role => flatten([
    for document in concat(values(docs.inline), [for key in docs.managed : var.managed_policies[key]]) :
    jsondecode(document).Statement
  ]) }
  # Each Resource pattern as a regular expression: its own metacharacters escaped first.
  patterns = { for role, statements in local.statements : role => [
    for statement in statements : {
      effect  = statement.Effect
      applies = statement.Effect == "Allow" || !can(statement.Condition)
      actions = can(statement.NotAction) ? null : flatten([statement.Action])
      resources = can(statement.NotResource) ? null : [
        for pattern in flatten([statement.Resource]) :
        "^${replace(replace(replace(pattern, "/[.+()\\[\\]{}|^$\\\\]/", "\\$0"), "*", ".*"), "?", ".")}$"
      ]
    }
  ] }
  # Allow and Deny statements that cover each action on each object, by role.
  covering = { for name, arn in var.objects : name => { for action in var.actions : action => {
    for role, statements in local.patterns : role => [
      for s in statements : s.effect if s.applies &&
      (s.actions == null || contains(coalesce(s.actions, []), action) || (s.effect == "Deny" && contains(coalesce(s.actions, []), "s3:*"))) &&
      (s.resources == null || anytrue([for pattern in coalesce(s.resources, []) : can(regex(pattern, arn))]))
    ]
  } } }
}

output "writers" {
  description = "Object name -> action -> the roles that may call it on the object, sorted."
  value = { for name, actions in local.covering : name => {
    for action, roles in actions : action => sort([
      for role, effects in roles : role if contains(effects, "Allow") && !contains(effects, "Deny")
    ])
  } }
}
