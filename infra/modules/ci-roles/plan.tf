# plan: read-only, for pull requests and the saved prod plan.

# Plans run with -lock=false, so no lock object is written: the read policy is all.
resource "aws_iam_role" "plan" {
  name                 = "${local.name}-plan"
  description          = "GitHub Actions read-only plans of ${local.name} (infra.yml: pull requests, and main)"
  assume_role_policy   = data.aws_iam_policy_document.trust["plan"].json
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role_policy_attachment" "plan_read" {
  role       = aws_iam_role.plan.name
  policy_arn = aws_iam_policy.platform_read.arn
}
