# The patterns' shape, computed by OpenTofu. EventBridge itself is not reachable offline:
# online, `aws events test-event-pattern --event-pattern <output> --event <CloudTrail
# event>` checks each against real events.

variables {
  image_repository_url = "111111111111.dkr.ecr.us-east-1.amazonaws.com/hello"
  task_family          = "hello-prod"
  service_name         = "hello-prod"
}

run "register_task_definition" {
  command = apply

  assert {
    condition     = jsondecode(output.register_task_definition_pattern).source == ["aws.ecs"] && jsondecode(output.register_task_definition_pattern)["detail-type"] == ["AWS API Call via CloudTrail"]
    error_message = "The pattern must read ECS calls as CloudTrail delivers them to EventBridge."
  }

  assert {
    condition = {
      for k, v in jsondecode(output.register_task_definition_pattern).detail : k => v if k != "requestParameters"
    } == { eventSource = ["ecs.amazonaws.com"], eventName = ["RegisterTaskDefinition"] }
    error_message = "Only RegisterTaskDefinition calls are watched."
  }

  assert {
    condition     = jsondecode(output.register_task_definition_pattern).detail.requestParameters.family == ["hello-prod"]
    error_message = "Registrations of the service's family are watched, whatever the image."
  }

  # The only condition on the image: anything but the repository by digest. A field
  # holding an array matches when any element does, so one such container is enough.
  assert {
    condition = jsondecode(output.register_task_definition_pattern).detail.requestParameters.containerDefinitions == {
      image = [{ "anything-but" = { prefix = "111111111111.dkr.ecr.us-east-1.amazonaws.com/hello@sha256:" } }]
    }
    error_message = "Every image that is not <repository>@sha256: must match, and nothing else may narrow the match."
  }
}

run "update_service" {
  command = apply

  assert {
    condition = {
      for k, v in jsondecode(output.update_service_pattern).detail : k => v if k != "requestParameters"
    } == { eventSource = ["ecs.amazonaws.com"], eventName = ["UpdateService"] }
    error_message = "Only UpdateService calls are watched."
  }

  assert {
    condition     = jsondecode(output.update_service_pattern).detail.requestParameters.service == ["hello-prod", { suffix = "/hello-prod" }]
    error_message = "The service is named by name or by ARN (which ends in /<service>); both must match."
  }

  # A release sends cluster, service and taskDefinition (hello_release/ecs.py `update`):
  # none of them is an alternative, so a release never alerts.
  assert {
    condition = length(setintersection(
      toset(flatten([for alternative in jsondecode(output.update_service_pattern).detail.requestParameters["$or"] : keys(alternative)])),
      toset(["cluster", "service", "taskDefinition"]),
    )) == 0
    error_message = "A field a release sends must not alert."
  }

  assert {
    condition = toset(flatten([for alternative in jsondecode(output.update_service_pattern).detail.requestParameters["$or"] : keys(alternative)])) == toset([
      "desiredCount", "loadBalancers", "capacityProviderStrategy", "deploymentConfiguration",
    ])
    error_message = "Desired count, load balancers, capacity providers and the deployment configuration are each watched."
  }

  # Turning the circuit breaker or alarm rollback off sends their `enable` (required in
  # both structures); `exists` matches leaves only, so the leaf is what is named.
  assert {
    condition = alltrue([for leaf in [
      { deploymentCircuitBreaker = { enable = [{ exists = true }] } },
      { alarms = { enable = [{ exists = true }] } },
      { maximumPercent = [{ exists = true }] },
      { minimumHealthyPercent = [{ exists = true }] },
      ] : contains(jsondecode(output.update_service_pattern).detail.requestParameters["$or"], { deploymentConfiguration = leaf })
    ])
    error_message = "Switching the circuit breaker or alarm rollback, or the rollout percentages, must alert."
  }

  assert {
    condition = alltrue(flatten([for alternative in jsondecode(output.update_service_pattern).detail.requestParameters["$or"] : [
      for leaf in values(alternative) : strcontains(jsonencode(leaf), "[{\"exists\":true}]")
    ]]))
    error_message = "Each alternative is a field's presence."
  }
}

# Every field of the UpdateService request (ECS API Reference, UpdateService, "Request
# Parameters"), as of this writing: a release sends the first three, each other one is
# watched by one of the two patterns.
run "every_update_service_field_a_release_never_sends_is_watched" {
  command = apply

  variables {
    # The longest name the ecs-service module takes (32 characters).
    task_family  = "a-service-named-to-the-limit-prd"
    service_name = "a-service-named-to-the-limit-prd"
  }

  assert {
    condition = setunion(
      toset(["cluster", "service", "taskDefinition"]),
      toset(flatten([for pattern in [output.update_service_pattern, output.update_service_settings_pattern] : [
        for alternative in jsondecode(pattern).detail.requestParameters["$or"] : keys(alternative)
      ]])),
      ) == toset([
        "availabilityZoneRebalancing", "capacityProviderStrategy", "cluster", "deploymentConfiguration",
        "deploymentController", "desiredCount", "enableECSManagedTags", "enableExecuteCommand",
        "forceNewDeployment", "healthCheckGracePeriodSeconds", "loadBalancers", "networkConfiguration",
        "placementConstraints", "placementStrategy", "platformVersion", "propagateTags", "service",
        "serviceConnectConfiguration", "serviceRegistries", "taskDefinition", "volumeConfigurations",
        "vpcLatticeConfigurations",
    ])
    error_message = "An UpdateService field that a release never sends is not watched."
  }

  assert {
    condition = alltrue([for pattern in [output.update_service_pattern, output.update_service_settings_pattern] :
      jsondecode(pattern).detail.eventName == ["UpdateService"] &&
      jsondecode(pattern).detail.requestParameters.service == [var.service_name, { suffix = "/${var.service_name}" }] &&
      length(setintersection(toset(flatten([for a in jsondecode(pattern).detail.requestParameters["$or"] : keys(a)])), toset(["cluster", "service", "taskDefinition"]))) == 0 &&
      alltrue([for a in jsondecode(pattern).detail.requestParameters["$or"] : strcontains(jsonencode(a), "[{\"exists\":true}]")])
    ])
    error_message = "Both patterns watch the service's UpdateService calls, each alternative a field's presence, none a field a release sends."
  }

  # EventBridge quotas: an event pattern is at most 2,048 characters by default.
  assert {
    condition     = alltrue([for pattern in [output.register_task_definition_pattern, output.update_service_pattern, output.update_service_settings_pattern] : length(pattern) <= 2048])
    error_message = "An event pattern is longer than EventBridge's default 2,048 characters."
  }
}

run "no_wildcard_repository" {
  command = plan

  variables {
    image_repository_url = "111111111111.dkr.ecr.us-east-1.amazonaws.com/hello:latest"
  }

  expect_failures = [var.image_repository_url]
}
