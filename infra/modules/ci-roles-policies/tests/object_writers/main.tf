# Test helper for roles.tftest.hcl: which roles may write (s3:PutObject, s3:DeleteObject)
# each of `objects`, read from the documents a run of the module computed. A role may when
# an Allow statement of its inline or attached managed policies names the action (no Allow
# names a wildcard action: test_no_document_allows_a_wildcard_action) or uses NotAction,
# and names a Resource pattern covering the object (`*` any run of characters, `?` one
# character) or uses NotResource.

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

locals {
  statements = { for role, docs in var.roles : role => flatten([
    for document in concat(values(docs.inline), [for key in docs.managed : var.managed_policies[key]]) :
    [for statement in jsondecode(document).Statement : statement if statement.Effect == "Allow"]
  ]) }
  # Each Resource pattern as a regular expression: its own metacharacters escaped first.
  patterns = { for role, statements in local.statements : role => [
    for statement in statements : {
      actions = can(statement.NotAction) ? null : flatten([statement.Action])
      resources = can(statement.NotResource) ? null : [
        for pattern in flatten([statement.Resource]) :
        "^${replace(replace(replace(pattern, "/[.+()\\[\\]{}|^$\\\\]/", "\\$0"), "*", ".*"), "?", ".")}$"
      ]
    }
  ] }
}

output "writers" {
  description = "Object name -> action -> the roles that may call it on the object, sorted."
  value = { for name, arn in var.objects : name => {
    for action in ["s3:DeleteObject", "s3:PutObject"] : action => sort([
      for role, statements in local.patterns : role if anytrue([
        for s in statements :
        (s.actions == null || contains(coalesce(s.actions, []), action)) &&
        (s.resources == null || anytrue([for pattern in coalesce(s.resources, []) : can(regex(pattern, arn))]))
      ])
    ])
  } }
}
