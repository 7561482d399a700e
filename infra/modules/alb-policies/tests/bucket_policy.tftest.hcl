# The access-log bucket: TLS only, and only the load balancer's log delivery writes.

variables {
  account_id              = "222222222222"
  bucket_arn              = "arn:aws:s3:::hello-prod-alb-logs-222222222222"
  elb_service_account_arn = "arn:aws:iam::127311923021:root"
}

run "prod" {
  command = apply

  assert {
    condition = length([for s in jsondecode(output.bucket_policy).Statement : s
      if s.Effect == "Deny" && s.Principal == "*" && s.Action == "s3:*" &&
      toset(flatten([s.Resource])) == toset([var.bucket_arn, "${var.bucket_arn}/*"]) &&
      s.Condition == { Bool = { "aws:SecureTransport" = "false" } }
    ]) == 1
    error_message = "Every request to the bucket or its objects over plain HTTP is denied, whoever sends it."
  }

  assert {
    condition = alltrue([for s in jsondecode(output.bucket_policy).Statement :
      s.Principal == { AWS = var.elb_service_account_arn } && flatten([s.Action]) == ["s3:PutObject"] &&
      flatten([s.Resource]) == ["${var.bucket_arn}/AWSLogs/${var.account_id}/*"] && !can(s.NotAction) && !can(s.NotPrincipal)
      if s.Effect == "Allow"
    ])
    error_message = "The only grant: the region's ELB account writes (PutObject, nothing else) under AWSLogs/<account>/."
  }

  assert {
    condition     = length([for s in jsondecode(output.bucket_policy).Statement : s if s.Effect == "Allow"]) == 1
    error_message = "Log delivery must be able to write the logs."
  }
}

run "dev" {
  command = apply

  variables {
    account_id = "111111111111"
    bucket_arn = "arn:aws:s3:::hello-dev-alb-logs-111111111111"
  }

  assert {
    condition = alltrue([for s in jsondecode(output.bucket_policy).Statement : alltrue([
      for resource in flatten([s.Resource]) : resource == var.bucket_arn || startswith(resource, "${var.bucket_arn}/")
    ])])
    error_message = "The policy speaks of its own bucket only."
  }
}
