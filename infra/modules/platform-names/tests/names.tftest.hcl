# Every name is the environment's own and within AWS's rules for it, and every ARN is the
# ARN of that name in the given partition, region and account. A second run takes another
# environment, account and partition, so nothing is fixed to one.

variables {
  name       = "hello-dev"
  account_id = "111111111111"
  region     = "us-east-1"
  partition  = "aws"
}

run "dev" {
  command = apply

  assert {
    condition = alltrue([for name in [output.access_logs_bucket, output.load_balancer_name, output.web_acl_name, output.alerts_topic_name] :
      startswith(name, var.name)
    ]) && output.waf_log_group_name == "aws-waf-logs-${var.name}" && output.alerts_key_alias == "alias/${output.alerts_topic_name}"
    error_message = "Every name starts with the environment's name (after the prefix AWS requires, aws-waf-logs- or alias/)."
  }

  assert {
    condition     = output.alarm_name_prefix == "${var.name}-" && output.release_audit_rule_prefix == "${var.name}-release-audit-"
    error_message = "The alarms and the release-audit rules that may notify the alerts topic are the environment's own."
  }

  assert {
    condition = alltrue([for arn in [output.load_balancer_arn, output.web_acl_arn, output.waf_log_group_arn, output.alerts_topic_arn, output.alerts_key_alias_arn] :
      startswith(arn, "arn:${var.partition}:") && strcontains(arn, ":${var.region}:${var.account_id}:")
    ]) && startswith(output.access_logs_bucket_arn, "arn:${var.partition}:s3:::")
    error_message = "Every ARN is in the environment's partition, region and account (S3 bucket ARNs name neither)."
  }

  assert {
    condition = alltrue([
      endswith(output.access_logs_bucket_arn, ":::${output.access_logs_bucket}"),
      endswith(output.load_balancer_arn, ":loadbalancer/app/${output.load_balancer_name}/*"),
      endswith(output.web_acl_arn, ":regional/webacl/${output.web_acl_name}/*"),
      endswith(output.waf_log_group_arn, ":log-group:${output.waf_log_group_name}"),
      endswith(output.alerts_topic_arn, ":${output.alerts_topic_name}"),
      endswith(output.alerts_key_alias_arn, ":${output.alerts_key_alias}"),
    ])
    error_message = "Each ARN is the ARN of its name (the load balancer's and web ACL's: any ID AWS appends)."
  }

  assert {
    condition = (
      can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", output.access_logs_bucket))
      && strcontains(output.access_logs_bucket, var.account_id)
      && length(output.load_balancer_name) <= 32
      && !startswith(output.alerts_key_alias, "alias/aws/")
    )
    error_message = "AWS takes the names: a lower-case bucket name of at most 63 characters, unique through the account ID; a load balancer name of at most 32; no alias in the alias/aws/ namespace AWS reserves."
  }
}

run "prod_elsewhere" {
  command = apply

  variables {
    name       = "hello-prod"
    account_id = "222222222222"
    region     = "eu-west-1"
    partition  = "aws-cn"
  }

  assert {
    condition = alltrue([for arn in [output.access_logs_bucket_arn, output.load_balancer_arn, output.web_acl_arn, output.waf_log_group_arn, output.alerts_topic_arn, output.alerts_key_alias_arn] :
      startswith(arn, "arn:aws-cn:") && !strcontains(arn, "hello-dev") && !strcontains(arn, "111111111111") && !strcontains(arn, "us-east-1")
    ])
    error_message = "The ARNs follow the inputs: nothing of another environment, account, region or partition."
  }
}

run "refuses_an_account_that_is_not_one" {
  command = plan

  variables {
    account_id = "hello"
  }

  expect_failures = [var.account_id]
}
