# The roles; each exists exactly when the policy module outputs its documents.

locals {
  roles = module.policies.roles
}

resource "aws_iam_role" "publish" {
  count = contains(keys(local.roles), "publish") ? 1 : 0

  name                 = "${local.name}-publish"
  description          = "GitHub Actions: the push job of deploy.yml on main pushes the image"
  assume_role_policy   = local.roles["publish"].trust
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role" "deploy" {
  name                 = "${local.name}-deploy"
  description          = "GitHub Actions releases of ${local.name} (environment ${var.environment}, deploy.yml and release.yml on main)"
  assume_role_policy   = local.roles["deploy"].trust
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role" "infra" {
  name                 = "${local.name}-infra"
  description          = "GitHub Actions terragrunt apply of the ${local.name} platform (environment ${var.environment}-infra, infra.yml on main)"
  assume_role_policy   = local.roles["infra"].trust
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role" "plan" {
  name                 = "${local.name}-plan"
  description          = "GitHub Actions read-only plans of ${local.name} (infra.yml: pull requests, and main)"
  assume_role_policy   = local.roles["plan"].trust
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role" "release_reader" {
  count = contains(keys(local.roles), "release-reader") ? 1 : 0

  name                 = "${local.name}-release-reader"
  description          = "Read-only view of ${local.name}'s service for promotions from another account"
  assume_role_policy   = local.roles["release-reader"].trust
  max_session_duration = 3600
  tags                 = var.tags
}
