locals {
  # Managed policies by concern, each well under IAM's 6,144 characters. ci-roles names
  # each `<service>-<environment>-<key>`; the infra role may change none of them.
  managed_statements = {
    boundary           = local.boundary
    platform-read      = concat(local.platform_read, local.private_network_read)
    platform-read-edge = local.platform_read_edge
    infra-compute      = local.infra_compute
    infra-network      = concat(local.infra_network, local.infra_private_network)
    infra-edge         = local.infra_edge
    infra-alerts       = local.infra_alerts
  }
  managed_policies = {
    for key, statements in local.managed_statements : key => jsonencode({ Version = "2012-10-17", Statement = statements })
  }
  read = ["platform-read", "platform-read-edge"]

  document = { for key, statements in {
    publish        = local.publish
    deploy         = local.deploy
    infra_state    = local.infra_state
    infra_iam      = local.infra_iam
    infra_logs     = local.infra_log_denies
    release_reader = local.release_reader
    lock           = local.environment_lock
    infra_lock     = local.infra_lock
  } : key => jsonencode({ Version = "2012-10-17", Statement = statements }) }
}

output "roles" {
  description = "Role key -> its trust policy (`trust`), inline policies (`inline`: name -> JSON) and the keys of `managed_policies` attached to it (`managed`), for each role ci-roles creates: publish (where the build repository is the environment's own), deploy, infra, plan, release-reader (when other accounts read this one)."
  value = merge(
    local.publishes ? {
      publish = { trust = local.github_trust["publish"], inline = { push-image = local.document["publish"] }, managed = [] }
    } : {},
    {
      deploy = { trust = local.github_trust["deploy"], inline = { release = local.document["deploy"], lock = local.document["lock"] }, managed = [] }
      infra = {
        trust = local.github_trust["infra"]
        inline = merge(
          { state = local.document["infra_state"], iam = local.document["infra_iam"], lock = local.document["infra_lock"] },
          # With deletion protection: what the role may never do to the environment's logs.
          var.deletion_protection ? { logs = local.document["infra_logs"] } : {},
        )
        managed = concat(local.read, ["infra-compute", "infra-network", "infra-edge", "infra-alerts"])
      }
      # Plans run with -lock=false, so no lock object is written: the read policies are all.
      plan = { trust = local.github_trust["plan"], inline = {}, managed = local.read }
    },
    length(var.release_reader_trusted_role_arns) > 0 ? {
      release-reader = {
        trust   = jsonencode({ Version = "2012-10-17", Statement = local.release_reader_trust })
        inline  = { read-service = local.document["release_reader"] }
        managed = []
      }
    } : {},
  )

  precondition {
    condition     = var.domain_name == "" || var.hosted_zone_id != ""
    error_message = "domain_name ${var.domain_name} needs hosted_zone_id: the infra role changes records in that zone only."
  }
}

output "managed_policies" {
  description = "Policy key -> JSON of each managed policy ci-roles creates and names `<service>-<environment>-<key>`: the permissions boundary of the roles the infra role manages (`boundary`), the read policies of plans and applies (`platform-read*`) and the infra role's policies by area (`infra-*`)."
  value       = local.managed_policies
}
