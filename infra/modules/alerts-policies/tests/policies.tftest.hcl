# Who may use the alerts key and publish to the topic: the account itself, and
# CloudWatch on behalf of this environment's alarms only. Prod in its own account, dev,
# and prod sharing dev's account (where dev's alarms must not reach prod's topic).

variables {
  partition         = "aws"
  region            = "us-east-1"
  account_id        = "222222222222"
  alarm_name_prefix = "hello-prod-"
  topic_arn         = "arn:aws:sns:us-east-1:222222222222:hello-prod-alerts"
}

run "prod_in_its_own_account" {
  command = apply

  assert {
    condition = alltrue([for s in jsondecode(output.key_policy).Statement :
      s.Effect == "Allow" && (
        s.Principal == { AWS = "arn:aws:iam::${var.account_id}:root" } ||
        s.Principal == { Service = "cloudwatch.amazonaws.com" }
      )
    ])
    error_message = "Only the key's own account and CloudWatch are named in the key policy."
  }

  assert {
    condition = alltrue(flatten([for s in jsondecode(output.key_policy).Statement : [
      for action in flatten([s.Action]) : startswith(action, "kms:") && !strcontains(action, "*")
    ]]))
    error_message = "The key policy names each KMS action; no kms:* or other wildcard."
  }

  assert {
    condition = alltrue([for s in jsondecode(output.key_policy).Statement :
      toset(flatten([s.Action])) == toset(["kms:Decrypt", "kms:GenerateDataKey"])
      if s.Principal == { Service = "cloudwatch.amazonaws.com" }
    ])
    error_message = "CloudWatch may only decrypt and generate data keys: what publishing to the encrypted topic needs."
  }

  assert {
    condition = alltrue(flatten([for policy in [output.key_policy, output.topic_policy] : [
      for s in jsondecode(policy).Statement :
      s.Condition == {
        StringEquals = { "aws:SourceAccount" = var.account_id }
        ArnLike      = { "aws:SourceArn" = "arn:aws:cloudwatch:us-east-1:${var.account_id}:alarm:hello-prod-*" }
      }
      if s.Effect == "Allow" && s.Principal == { Service = "cloudwatch.amazonaws.com" }
    ]]))
    error_message = "CloudWatch uses the key and the topic only for alarms of this account named hello-prod-*."
  }

  assert {
    condition = alltrue([for policy in [output.key_policy, output.topic_policy] :
      length([for s in jsondecode(policy).Statement : s if s.Effect == "Allow" && s.Principal == { Service = "cloudwatch.amazonaws.com" }]) == 1
    ])
    error_message = "CloudWatch must be able to use the key and publish to the topic, or alarms are dropped silently."
  }

  assert {
    condition = alltrue([for s in jsondecode(output.topic_policy).Statement :
      flatten([s.Action]) == ["sns:Publish"] && flatten([s.Resource]) == [var.topic_arn]
    ])
    error_message = "The topic policy speaks of publishing to this topic only (no subscribe, no policy changes, no other topic)."
  }

  assert {
    condition = length([for s in jsondecode(output.topic_policy).Statement : s
      if s.Effect == "Deny" && s.Principal == { AWS = "*" } &&
      s.Condition == { Bool = { "aws:SecureTransport" = "false" } }
    ]) == 1
    error_message = "Publishing without TLS is denied to everyone."
  }

  assert {
    condition = alltrue([for s in jsondecode(output.topic_policy).Statement :
      s.Principal == { Service = "cloudwatch.amazonaws.com" } if s.Effect == "Allow"
    ])
    error_message = "The topic policy grants CloudWatch only; the account's principals keep what their IAM policies give them."
  }
}

run "prod_sharing_the_account" {
  command = apply

  variables {
    account_id = "111111111111"
    topic_arn  = "arn:aws:sns:us-east-1:111111111111:hello-prod-alerts"
  }

  assert {
    condition = alltrue(flatten([for policy in [output.key_policy, output.topic_policy] : [
      for s in jsondecode(policy).Statement : [
        for pattern in flatten([try(s.Condition.ArnLike["aws:SourceArn"], [])]) :
        !can(regex("^${replace(replace(pattern, ".", "\\."), "*", ".*")}$", "arn:aws:cloudwatch:us-east-1:111111111111:alarm:hello-dev-target-5xx-rate"))
      ]
    ]]))
    error_message = "Dev's alarms in the same account may not use prod's key or publish to prod's topic."
  }
}

run "refuses_a_wildcard_alarm_prefix" {
  command = plan

  variables {
    alarm_name_prefix = "hello-*"
  }

  expect_failures = [var.alarm_name_prefix]
}
