# EventBridge patterns that catch, in CloudTrail's record of ECS calls, what IAM cannot
# refuse the deploy role (ci-roles-policies/deploy.tf): a revision of the family whose
# image is not the repository by digest, and a service update that changes more than the
# task definition. Provider-free: the ecs-service module puts them in rules that notify
# the alerts topic. The UpdateService fields are split over two patterns, each under
# EventBridge's default event pattern size (2,048 characters).
#
# In a pattern, a field holding an array matches when any element matches, so one
# container with another image is enough; `exists` matches leaf fields only, so each
# changed structure is caught by the fields a request must send in it.

locals {
  from_cloudtrail = {
    source        = ["aws.ecs"]
    "detail-type" = ["AWS API Call via CloudTrail"]
  }

  register_task_definition = merge(local.from_cloudtrail, {
    detail = {
      eventSource = ["ecs.amazonaws.com"]
      eventName   = ["RegisterTaskDefinition"]
      requestParameters = {
        family               = [var.task_family]
        containerDefinitions = { image = [{ "anything-but" = { prefix = "${var.image_repository_url}@sha256:" } }] }
      }
    }
  })

  present = [{ exists = true }]
  # What a release never sends (it sends cluster, service and taskDefinition only,
  # infra/release/src/hello_release/ecs.py): one alternative per field. First what
  # decides whether a bad release rolls back and how many tasks serve.
  service_changes = [
    { desiredCount = local.present },
    { capacityProviderStrategy = { capacityProvider = local.present } },
    { loadBalancers = { targetGroupArn = local.present } },
    { loadBalancers = { loadBalancerName = local.present } },
    { loadBalancers = { containerName = local.present } },
    { loadBalancers = { containerPort = local.present } },
    { deploymentConfiguration = { deploymentCircuitBreaker = { enable = local.present } } },
    { deploymentConfiguration = { alarms = { enable = local.present } } },
    { deploymentConfiguration = { maximumPercent = local.present } },
    { deploymentConfiguration = { minimumHealthyPercent = local.present } },
    { deploymentConfiguration = { strategy = local.present } },
    { deploymentConfiguration = { bakeTimeInMinutes = local.present } },
    { deploymentConfiguration = { lifecycleHooks = { hookTargetArn = local.present } } },
    { deploymentConfiguration = { linearConfiguration = { stepPercent = local.present } } },
    { deploymentConfiguration = { canaryConfiguration = { canaryPercent = local.present } } },
    { deploymentConfiguration = { earlySuccessCriteria = { enable = local.present } } },
  ]
  # Then every other field of the UpdateService request (ECS API Reference), by a leaf
  # each must send: placement, network, platform, grace period, Exec, tags, deployment
  # controller, service discovery, Service Connect, volumes, VPC Lattice, a forced
  # redeployment.
  service_settings = [
    { availabilityZoneRebalancing = local.present },
    { deploymentController = { type = local.present } },
    { enableECSManagedTags = local.present },
    { enableExecuteCommand = local.present },
    { forceNewDeployment = local.present },
    { healthCheckGracePeriodSeconds = local.present },
    { networkConfiguration = { awsvpcConfiguration = { subnets = local.present } } },
    { networkConfiguration = { awsvpcConfiguration = { securityGroups = local.present } } },
    { networkConfiguration = { awsvpcConfiguration = { assignPublicIp = local.present } } },
    { placementConstraints = { type = local.present } },
    { placementConstraints = { expression = local.present } },
    { placementStrategy = { type = local.present } },
    { placementStrategy = { field = local.present } },
    { platformVersion = local.present },
    { propagateTags = local.present },
    { serviceConnectConfiguration = { enabled = local.present } },
    { serviceRegistries = { registryArn = local.present } },
    { volumeConfigurations = { name = local.present } },
    { vpcLatticeConfigurations = { roleArn = local.present } },
  ]

  update_service = { for key, alternatives in { changes = local.service_changes, settings = local.service_settings } : key => merge(local.from_cloudtrail, {
    detail = {
      eventSource = ["ecs.amazonaws.com"]
      eventName   = ["UpdateService"]
      requestParameters = {
        service = [var.service_name, { suffix = "/${var.service_name}" }]
        "$or"   = alternatives
      }
    }
  }) }
}
