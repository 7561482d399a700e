# Who may use the alerts key and publish to the topic: the account itself, and
# CloudWatch on behalf of this environment's alarms only. Prod in its own account, dev,
# and prod sharing dev's account (where dev's alarms must not reach prod's topic).

variables {
  partition         = "aws"
  region            = "us-east-1"
  account_id        = "222222222222"
  alarm_name_prefix = "hello-prod-"
  topic_arn         = "arn:aws:sns:us-east-1:222222222222:hello-prod-alerts"
  # The ecs-service module's release-audit rules.
  event_rule_name_prefix = "hello-prod-release-audit-"
}

run "prod_in_its_own_account" {
  command = apply

  assert {
    condition = alltrue([for s in jsondecode(output.key_policy).Statement :
      s.Effect == "Allow" && (
        s.Principal == { AWS = "arn:aws:iam::${var.account_id}:root" } ||
        s.Principal == { Service = "cloudwatch.amazonaws.com" } ||
        s.Principal == { Service = "events.amazonaws.com" }
      )
    ])
    error_message = "Only the key's own account, CloudWatch and EventBridge are named in the key policy."
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
      if contains([{ Service = "cloudwatch.amazonaws.com" }, { Service = "events.amazonaws.com" }], s.Principal)
    ])
    error_message = "CloudWatch and EventBridge may only decrypt and generate data keys: what publishing to the encrypted topic needs."
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
      contains([{ Service = "cloudwatch.amazonaws.com" }, { Service = "events.amazonaws.com" }], s.Principal) if s.Effect == "Allow"
    ])
    error_message = "The topic policy grants CloudWatch and EventBridge only; the account's principals keep what their IAM policies give them."
  }

  # EventBridge publishes for the environment's release-audit rules only (and may then
  # use the key): without both, their notifications are dropped silently.
  assert {
    condition = alltrue([for policy in [output.key_policy, output.topic_policy] :
      [for s in jsondecode(policy).Statement : s.Condition if s.Effect == "Allow" && s.Principal == { Service = "events.amazonaws.com" }] == [{
        StringEquals                                                                                          = { "aws:SourceAccount" = var.account_id }
        ArnLike                                                                                               = { "aws:SourceArn" = "arn:aws:events:us-east-1:${var.account_id}:rule/hello-prod-release-audit-*" }
      }]
    ])
    error_message = "EventBridge must publish (and use the key) for this account's hello-prod-release-audit-* rules, and for no other rule."
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

  assert {
    condition = alltrue(flatten([for policy in [output.key_policy, output.topic_policy] : [
      for s in jsondecode(policy).Statement : [
        for pattern in flatten([try(s.Condition.ArnLike["aws:SourceArn"], [])]) :
        !can(regex("^${replace(replace(pattern, ".", "\\."), "*", ".*")}$", "arn:aws:events:us-east-1:111111111111:rule/hello-dev-release-audit-task-definition"))
      ]
    ]]))
    error_message = "Dev's rules in the same account may not publish to prod's topic."
  }
}

run "refuses_a_wildcard_alarm_prefix" {
  command = plan

  variables {
    alarm_name_prefix = "hello-*"
  }

  expect_failures = [var.alarm_name_prefix]
}

run "refuses_a_wildcard_rule_prefix" {
  command = plan

  variables {
    event_rule_name_prefix = "hello-*"
  }

  expect_failures = [var.event_rule_name_prefix]
}
