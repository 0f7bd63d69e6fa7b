data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  # The roles tfsync may assume: each configured one, and the member role name in any account.
  member_role_arns = concat(
    values(var.account_roles),
    var.member_role_name == null ? [] : ["arn:${data.aws_partition.current.partition}:iam::*:role/${var.member_role_name}"],
  )
  partition = data.aws_partition.current.partition
  region    = data.aws_region.current.name

  create_kms_key = var.kms_key_arn == null
  kms_key_arn    = local.create_kms_key ? aws_kms_key.this[0].arn : var.kms_key_arn
  log_group_name = "/tfsync/${var.name}"

  # The role's own calls (deletions) and the adopt build's are tfsync's, never ClickOps.
  own_role_arns = distinct(concat(var.own_role_arns, [aws_iam_role.this.arn]))

  # Every setting bot.config.Settings.from_env reads (bot/config.py ENV_VARS), by its variable name, but the
  # endpoint overrides of tests and the sandbox; tests/infra checks the two lists against each other. Null means
  # "the bot's default" and is left out of the environment.
  bot_environment = {
    AWS_REGION                    = local.region
    TFSYNC_QUEUE_URL              = var.queue_url
    TFSYNC_STATE_LOCATIONS        = join(",", var.state_locations)
    TFSYNC_OWN_ROLE_ARNS          = join(",", local.own_role_arns)
    TFSYNC_IGNORE_RULES_FILE      = var.ignore_rules_file
    TFSYNC_MAX_MESSAGE_BYTES      = var.max_message_bytes == null ? null : tostring(var.max_message_bytes)
    TFSYNC_MAX_LOG_FILE_BYTES     = var.max_log_file_bytes == null ? null : tostring(var.max_log_file_bytes)
    TFSYNC_LOG_LEVEL              = var.log_level
    TFSYNC_TABLE_PREFIX           = var.table_prefix
    TFSYNC_CONSUMER_CONCURRENCY   = var.consumer_concurrency == null ? null : tostring(var.consumer_concurrency)
    TFSYNC_VISIBILITY_TIMEOUT     = var.visibility_timeout == null ? null : tostring(var.visibility_timeout)
    TFSYNC_RECEIVE_WAIT_SECONDS   = var.receive_wait_seconds == null ? null : tostring(var.receive_wait_seconds)
    TFSYNC_DEDUPE_TTL_SECONDS     = var.dedupe_ttl_seconds == null ? null : tostring(var.dedupe_ttl_seconds)
    TFSYNC_SHUTDOWN_SECONDS       = var.shutdown_seconds == null ? null : tostring(var.shutdown_seconds)
    TFSYNC_RUNNER                 = coalesce(var.runner, var.codebuild_project_arn == null ? "local" : "codebuild")
    TFSYNC_ADOPT_MODE             = var.adopt_mode
    TFSYNC_REPOSITORY_PATH        = var.repository_path
    TFSYNC_BASE_BRANCH            = var.base_branch
    TFSYNC_ROOT_DIR               = var.root_dir
    TFSYNC_TERRAFORM_PLUGIN_DIR   = var.terraform_plugin_dir
    TFSYNC_ARTIFACT_BUCKET        = var.artifact_bucket_arn == null ? null : split(":::", var.artifact_bucket_arn)[1]
    TFSYNC_CODEBUILD_PROJECT      = var.codebuild_project_arn == null ? null : split(":project/", var.codebuild_project_arn)[1]
    TFSYNC_JOB_TIMEOUT_SECONDS    = var.job_timeout_seconds == null ? null : tostring(var.job_timeout_seconds)
    TFSYNC_JOB_POLL_SECONDS       = var.job_poll_seconds == null ? null : tostring(var.job_poll_seconds)
    TFSYNC_SLACK_CHANNEL          = var.slack_channel
    TFSYNC_SLACK_ROUTES           = length(var.slack_routes) == 0 ? null : jsonencode(var.slack_routes)
    TFSYNC_SLACK_ADMINS           = join(",", var.slack_admins)
    TFSYNC_SLACK_ADMIN_GROUP      = var.slack_admin_group
    TFSYNC_BURST_THRESHOLD        = var.burst_threshold == null ? null : tostring(var.burst_threshold)
    TFSYNC_BURST_WINDOW_SECONDS   = var.burst_window_seconds == null ? null : tostring(var.burst_window_seconds)
    TFSYNC_TARGET_MODULES         = length(var.target_modules) == 0 ? null : jsonencode(var.target_modules)
    TFSYNC_SLACK_POST_INTERVAL_MS = var.slack_post_interval_ms == null ? null : tostring(var.slack_post_interval_ms)
    TFSYNC_LEASE_SECONDS          = var.lease_seconds == null ? null : tostring(var.lease_seconds)
    TFSYNC_ACCOUNT_ID             = local.account_id
    TFSYNC_ACCOUNT_ROLES          = length(var.account_roles) == 0 ? null : jsonencode(var.account_roles)
    TFSYNC_MEMBER_ROLE_NAME       = var.member_role_name
    TFSYNC_ROLE_EXTERNAL_ID       = var.role_external_id
    TFSYNC_ACCOUNT_ALIASES        = length(var.account_aliases) == 0 ? null : jsonencode(var.account_aliases)
    TFSYNC_ACCOUNT_TARGETS        = length(var.account_targets) == 0 ? null : jsonencode(var.account_targets)
    TFSYNC_SCAN_REGIONS           = length(var.scan_regions) == 0 ? null : join(",", var.scan_regions)
    TFSYNC_SCAN_ACCOUNTS          = length(var.scan_accounts) == 0 ? null : join(",", var.scan_accounts)
    TFSYNC_SCAN_CONCURRENCY       = var.scan_concurrency == null ? null : tostring(var.scan_concurrency)
    TFSYNC_OWNER_TAG              = var.owner_tag
    TFSYNC_RECONCILE_SECONDS      = var.reconcile_seconds == null ? null : tostring(var.reconcile_seconds)
    TFSYNC_SLACK_MODE             = var.slack_mode
    TFSYNC_HTTP_PORT              = var.slack_mode == "http" ? tostring(var.http_port) : null
    # Null keeps the bot's default, every interface: the container is reached on the task's own address.
    TFSYNC_HTTP_HOST = null
  }
  # Settings whose values are secrets: read from the Slack secret's JSON keys, never written to Terraform state.
  # Socket Mode connects with the app-level token; in HTTP mode the bot verifies Slack's requests with the signing
  # secret. Each is read in its own mode only (null: not read), as ECS does not start a task whose secret lacks a
  # key it names.
  bot_secrets = {
    SLACK_BOT_TOKEN      = "${aws_secretsmanager_secret.slack.arn}:SLACK_BOT_TOKEN::"
    SLACK_APP_TOKEN      = var.slack_mode == "http" ? null : "${aws_secretsmanager_secret.slack.arn}:SLACK_APP_TOKEN::"
    SLACK_SIGNING_SECRET = var.slack_mode == "http" ? "${aws_secretsmanager_secret.slack.arn}:SLACK_SIGNING_SECRET::" : null
  }
  environment = {
    for key, value in merge(local.bot_environment, var.extra_environment) : key => value
    if value != null && value != ""
  }

  # s3://bucket/key.tfstate reads one object; s3://bucket/prefix/ (or s3://bucket) every object under it. The
  # states of non-default workspaces are at <workspace_key_prefix>/<workspace>/<key> (bot/managed.py reads them,
  # so a resource only a workspace manages is never deleted): listed under the prefix, `env:` unless the location
  # ends in ?workspace_key_prefix=<prefix>.
  # The states of every account: the shared ones and those account_targets lists per account.
  all_state_locations  = distinct(concat(var.state_locations, flatten([for target in values(var.account_targets) : target.states])))
  state_location_paths = [for location in local.all_state_locations : split("?", trimprefix(location, "s3://"))[0]]
  state_refs = [
    for i, path in local.state_location_paths : {
      bucket               = split("/", path)[0]
      path                 = join("/", slice(split("/", path), 1, length(split("/", path))))
      workspace_key_prefix = try(regex("[?]workspace_key_prefix=([^&]*)$", local.all_state_locations[i])[0], "env:")
    }
  ]
  state_paths = [for ref in local.state_refs : ref.path == "" || endswith(ref.path, "/") ? "${ref.path}*" : ref.path]
  # A whole-bucket location lists its workspaces' states already.
  workspace_refs = [
    for i, ref in local.state_refs : merge(ref, {
      listing = ref.workspace_key_prefix == "" ? "" : "${ref.workspace_key_prefix}/"
      objects = "${ref.workspace_key_prefix == "" ? "" : "${ref.workspace_key_prefix}/"}*/${local.state_paths[i]}"
    }) if ref.path != ""
  ]
  state_object_arns = concat(
    [for i, ref in local.state_refs : "arn:${local.partition}:s3:::${ref.bucket}/${local.state_paths[i]}"],
    [for ref in local.workspace_refs : "arn:${local.partition}:s3:::${ref.bucket}/${ref.objects}"],
  )
  state_list_prefixes = distinct(concat(local.state_paths, [for ref in local.workspace_refs : "${ref.listing}*"]))
  state_bucket_arns   = distinct([for ref in local.state_refs : "arn:${local.partition}:s3:::${ref.bucket}"])

  # Data the catalog's Describe*/Get* wildcards would read and no describe reader or delete executor needs:
  # execution input and output, parameter values in bulk or from history, command
  # output, a second route to Lambda environments, layer code, a queued activity task's input (which takes the
  # task off its queue) and object data as a torrent.
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

  delete_actions = sort(distinct(concat(
    flatten([for type in var.delete_types : lookup(local.catalog_delete_actions, type, [])]),
    var.extra_delete_actions,
  )))
  unknown_delete_types = [for type in var.delete_types : type if !contains(keys(local.catalog_delete_actions), type)]

  cloudtrail_object_arns = var.cloudtrail_bucket_arn == null ? [] : ["${var.cloudtrail_bucket_arn}/AWSLogs/*"]
  codebuild_log_arns     = var.codebuild_log_group_arn == null ? [] : ["${var.codebuild_log_group_arn}:*"]
  artifact_job_arns      = var.artifact_bucket_arn == null ? [] : ["${var.artifact_bucket_arn}/jobs/*"]
  decrypt_key_arns = compact(concat(
    [var.queue_kms_key_arn, var.cloudtrail_kms_key_arn, var.table_kms_key_arn],
    var.state_kms_key_arns,
  ))
  # Everything the role may read data from; the data-read deny below spares exactly these.
  own_data_arns = concat(
    local.artifact_job_arns,
    local.state_object_arns,
    local.cloudtrail_object_arns,
    local.codebuild_log_arns,
    var.table_arns,
    ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}:*"],
  )

  # ECR images in this account pull with repository-scoped permissions; other registries need none.
  ecr_image = regex("^(?:(?P<account>[0-9]{12})\\.dkr\\.ecr\\.(?P<region>[a-z0-9-]+)\\.amazonaws\\.com/(?P<repository>[^:@]+))?", var.image == null ? "" : var.image)
  ecr_repository_arns = local.ecr_image.account == null ? [] : [
    "arn:${local.partition}:ecr:${local.ecr_image.region}:${local.ecr_image.account}:repository/${local.ecr_image.repository}"
  ]
}

################################################################################
# KMS key for the bot's log group and Slack secret
################################################################################

data "aws_iam_policy_document" "kms" {
  count = local.create_kms_key ? 1 : 0

  #checkov:skip=CKV_AWS_109:A key policy's "*" resource is the key itself; account administration stays with the account root as AWS's default key policy does.
  #checkov:skip=CKV_AWS_111:A key policy's "*" resource is the key itself; the CloudWatch Logs statement is limited by encryption context.
  #checkov:skip=CKV_AWS_356:A key policy's "*" resource is the key itself, not every resource.
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid = "CloudWatchLogs"
    actions = [
      "kms:Encrypt*",
      "kms:Decrypt*",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"]
    }
  }
}

resource "aws_kms_key" "this" {
  count = local.create_kms_key ? 1 : 0

  description             = "tfsync ${var.name}: bot logs and Slack tokens"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms[0].json

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  count = local.create_kms_key ? 1 : 0

  name          = "alias/${var.name}-bot"
  target_key_id = aws_kms_key.this[0].key_id
}

################################################################################
# Slack tokens (their values are put by the secrets step, never through Terraform state) and the log group
################################################################################

resource "aws_secretsmanager_secret" "slack" {
  #checkov:skip=CKV2_AWS_57:Slack tokens are rotated in Slack's app settings; the secrets step puts the new values.
  name                    = "${var.name}/slack"
  description             = "tfsync ${var.name}: SLACK_BOT_TOKEN, and SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode) (JSON keys)"
  kms_key_id              = local.kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_in_days

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = local.kms_key_arn

  tags = var.tags
}

################################################################################
# IAM role of the bot
################################################################################

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }

  dynamic "statement" {
    for_each = length(var.trusted_role_arns) > 0 ? [1] : []

    content {
      actions = ["sts:AssumeRole"]

      principals {
        type        = "AWS"
        identifiers = var.trusted_role_arns
      }
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = "${var.name}-bot"
  description          = "tfsync ${var.name}: the bot"
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  permissions_boundary = var.role_permissions_boundary

  tags = var.tags
}

data "aws_iam_policy_document" "role" {
  #checkov:skip=CKV_AWS_356:Describe/Get/List of the catalog's services and the opt-in deletions must reach resources created by hand, unknown in advance. Describing one for adoption reads what its Terraform code holds: Lambda environment variables and code links (lambda:GetFunction), the container environments of task definitions (ecs:DescribeTaskDefinition), instance and launch template user data (ec2:DescribeInstanceAttribute, ec2:DescribeLaunchTemplateVersions) and SSM String parameter values (ssm:GetParameter; SecureString values stay encrypted, kms:Decrypt is granted only on tfsync's own inputs' keys). These data reads the wildcards include are denied below: objects, items, secret values, log events and records (outside tfsync's own resources), and executions, parameters in bulk or history, command output, layer code and API key values.
  statement {
    sid = "ConsumeQueue"
    actions = [
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:ChangeMessageVisibility",
      "sqs:GetQueueAttributes",
      "sqs:GetQueueUrl",
    ]
    resources = [var.queue_arn]
  }

  dynamic "statement" {
    for_each = length(var.table_arns) > 0 ? [1] : []

    content {
      sid = "StateTables"
      actions = [
        "dynamodb:DescribeTable",
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:Scan",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:ConditionCheckItem",
      ]
      resources = var.table_arns
    }
  }

  dynamic "statement" {
    for_each = var.artifact_bucket_arn == null ? [] : [1]

    content {
      sid       = "WriteJobs"
      actions   = ["s3:PutObject", "s3:GetObject"]
      resources = local.artifact_job_arns
    }
  }

  dynamic "statement" {
    for_each = var.artifact_kms_key_arn == null ? [] : [1]

    content {
      sid       = "ArtifactKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [var.artifact_kms_key_arn]
    }
  }

  dynamic "statement" {
    for_each = length(local.state_refs) > 0 ? [1] : []

    content {
      sid       = "ReadStates"
      actions   = ["s3:GetObject"]
      resources = local.state_object_arns
    }
  }

  dynamic "statement" {
    for_each = length(local.state_refs) > 0 ? [1] : []

    content {
      sid       = "ListStates"
      actions   = ["s3:ListBucket"]
      resources = local.state_bucket_arns

      condition {
        test     = "StringLike"
        variable = "s3:prefix"
        values   = local.state_list_prefixes
      }
    }
  }

  dynamic "statement" {
    for_each = length(local.cloudtrail_object_arns) > 0 ? [1] : []

    content {
      sid       = "ReadCloudTrailLogFiles"
      actions   = ["s3:GetObject"]
      resources = local.cloudtrail_object_arns
    }
  }

  dynamic "statement" {
    for_each = length(local.decrypt_key_arns) > 0 ? [1] : []

    content {
      sid       = "DecryptInputs"
      actions   = ["kms:Decrypt"]
      resources = local.decrypt_key_arns
    }
  }

  # The adopt builds: followed, and stopped when no result comes in time (bot/runners/codebuild.py).
  dynamic "statement" {
    for_each = var.codebuild_project_arn == null ? [] : [1]

    content {
      sid       = "FollowAdoptBuilds"
      actions   = ["codebuild:BatchGetBuilds", "codebuild:StopBuild"]
      resources = [var.codebuild_project_arn]
    }
  }

  # ... and started as the bot starts them: projectName, environmentVariablesOverride and idempotencyToken. StartBuild
  # may also override whatever the project fixes (buildspec, source, image, privileged mode, service role, ...): the
  # allow holds only for a request that carries none of those (Null "true": the request does not have the key). See
  # infra/README.md, "The adopt build's boundary".
  dynamic "statement" {
    for_each = var.codebuild_project_arn == null ? [] : [1]

    content {
      sid       = "StartAdoptBuilds"
      actions   = ["codebuild:StartBuild"]
      resources = [var.codebuild_project_arn]

      dynamic "condition" {
        for_each = toset([
          "codebuild:artifacts", "codebuild:autoRetryLimit", "codebuild:cache", "codebuild:encryptionKey",
          "codebuild:environment.certificate", "codebuild:environment.computeType",
          "codebuild:environment.fleet.fleetArn", "codebuild:environment.image",
          "codebuild:environment.imagePullCredentialsType", "codebuild:environment.privilegedMode",
          "codebuild:environment.registryCredential", "codebuild:environment.type", "codebuild:logsConfig",
          "codebuild:secondaryArtifacts", "codebuild:secondarySources", "codebuild:serviceRole", "codebuild:source",
          "codebuild:source.auth.type", "codebuild:source.buildspec", "codebuild:source.insecureSsl",
          "codebuild:source.location",
        ])

        content {
          test     = "Null"
          variable = condition.value
          values   = ["true"]
        }
      }
    }
  }

  # Whatever else may allow StartBuild, the overrides that change what runs are denied outright, one statement per
  # key (Null "false": the request has it; codebuild:source.buildspec supports only the Null operator).
  dynamic "statement" {
    for_each = var.codebuild_project_arn == null ? {} : {
      Buildspec      = "codebuild:source.buildspec"
      SourceLocation = "codebuild:source.location"
      Image          = "codebuild:environment.image"
      PrivilegedMode = "codebuild:environment.privilegedMode"
      ServiceRole    = "codebuild:serviceRole"
    }

    content {
      sid       = "Deny${statement.key}Override"
      effect    = "Deny"
      actions   = ["codebuild:StartBuild"]
      resources = [var.codebuild_project_arn]

      condition {
        test     = "Null"
        variable = statement.value
        values   = ["false"]
      }
    }
  }

  # Environment variables: only those the bot overrides (OVERRIDE_NAMES and ROUTE_OVERRIDES in
  # bot/runners/codebuild.py). The others steer the script (TFSYNC_TERRAFORM, TFSYNC_PR_API_URL, TFSYNC_GIT_TOKEN)
  # or the shell (BASH_ENV) and stay the project's.
  dynamic "statement" {
    for_each = var.codebuild_project_arn == null ? [] : [1]

    content {
      sid       = "DenyOtherBuildVariables"
      effect    = "Deny"
      actions   = ["codebuild:StartBuild"]
      resources = [var.codebuild_project_arn]

      condition {
        test     = "ForAnyValue:StringNotEquals"
        variable = "codebuild:environment.environmentVariables.name"
        values = [
          "TFSYNC_JOB_KEY", "TFSYNC_RESOURCE_ID", "TFSYNC_TARGET_MODULE", "TFSYNC_ADDRESS", "TFSYNC_IMPORT_ID",
          "TFSYNC_MODE", "TFSYNC_TARGET_ACCOUNT_ID", "TFSYNC_TARGET_ROLE_ARN", "TFSYNC_REPOSITORY_URL",
          "TFSYNC_BASE_BRANCH", "TFSYNC_ROOT_DIR",
        ]
      }
    }
  }

  # The build sends the repository token to the repository it clones: a route may name only the repositories
  # account_targets lists (none listed: no repository override at all).
  dynamic "statement" {
    for_each = var.codebuild_project_arn == null ? [] : [[for target in values(var.account_targets) : target.repository if target.repository != null]]

    content {
      sid       = "DenyOtherRepositories"
      effect    = "Deny"
      actions   = ["codebuild:StartBuild"]
      resources = [var.codebuild_project_arn]

      condition {
        test     = "Null"
        variable = "codebuild:environment.environmentVariables/TFSYNC_REPOSITORY_URL.value"
        values   = ["false"]
      }

      dynamic "condition" {
        for_each = length(statement.value) > 0 ? [distinct(statement.value)] : []

        content {
          test     = "StringNotEquals"
          variable = "codebuild:environment.environmentVariables/TFSYNC_REPOSITORY_URL.value"
          values   = condition.value
        }
      }
    }
  }

  dynamic "statement" {
    for_each = length(local.codebuild_log_arns) > 0 ? [1] : []

    content {
      sid       = "ReadBuildLogs"
      actions   = ["logs:GetLogEvents", "logs:FilterLogEvents"]
      resources = local.codebuild_log_arns
    }
  }

  # Describing a detected resource: read-only calls of the catalog's services (generated).
  statement {
    sid       = "DescribeResources"
    actions   = local.catalog_read_actions
    resources = ["*"]
  }

  # Resources in other accounts are described and deleted there, with the role tfsync assumes in each.
  dynamic "statement" {
    for_each = length(local.member_role_arns) > 0 ? [1] : []

    content {
      sid       = "AssumeMemberRoles"
      actions   = ["sts:AssumeRole"]
      resources = local.member_role_arns
    }
  }

  # Get* above would also read data (objects, items, secret values); only tfsync's own are readable.
  dynamic "statement" {
    for_each = length(local.catalog_data_read_actions) > 0 ? [1] : []

    content {
      sid           = "DenyDataReads"
      effect        = "Deny"
      actions       = local.catalog_data_read_actions
      not_resources = local.own_data_arns
    }
  }

  # Reads of data the wildcards above grant and tfsync never makes (tests/infra/test_data_reads.py keeps them out of
  # the calls its describe readers and delete executors were recorded making).
  statement {
    sid       = "DenyReadsTfsyncNeverMakes"
    effect    = "Deny"
    actions   = local.unused_data_reads
    resources = ["*"]
  }

  # apigateway:GET reads every API Gateway resource; the API keys' values are data, and the bot reads none.
  statement {
    sid       = "DenyApiKeyValues"
    effect    = "Deny"
    actions   = ["apigateway:GET"]
    resources = ["arn:${local.partition}:apigateway:*::/apikeys", "arn:${local.partition}:apigateway:*::/apikeys/*"]
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "${var.name}-bot"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.role.json

  lifecycle {
    precondition {
      condition     = length(local.unknown_delete_types) == 0
      error_message = "delete_types names types the catalog cannot delete: ${join(", ", local.unknown_delete_types)}."
    }

    precondition {
      condition     = can(regex("^[a-z0-9][a-z0-9-]{0,39}$", var.name))
      error_message = "name must be 1-40 lowercase letters, digits or hyphens, starting with a letter or digit."
    }

    precondition {
      condition     = alltrue([for location in local.all_state_locations : can(regex("^s3://[a-z0-9][a-z0-9.-]+[a-z0-9](/[^?]*)?([?]workspace_key_prefix=([^/?&]|[^/?&][^?&]*[^/?&])?)?$", location))])
      error_message = "Each state location must be s3://bucket/key or s3://bucket/prefix/, optionally followed by ?workspace_key_prefix=<prefix> (not starting or ending with /)."
    }
  }
}

# The opt-in deletions, in a managed policy of their own: with every type the catalog can delete opted in, their
# actions would take the role's inline policies past IAM's 10,240 characters (a managed policy holds 6,144).
data "aws_iam_policy_document" "delete" {
  #checkov:skip=CKV_AWS_356:The opt-in delete actions (delete_types, empty by default) must reach resources created by hand, unknown in advance.
  #checkov:skip=CKV_AWS_111:The opt-in delete actions (delete_types, empty by default) are the only writes here; their targets are resources created by hand.
  #checkov:skip=CKV_AWS_109:The policy manages no permissions unless iam types are opted in to deletion.
  dynamic "statement" {
    for_each = length(local.delete_actions) > 0 ? [1] : []

    content {
      sid       = "DeleteOptedInTypes"
      actions   = local.delete_actions
      resources = ["*"]
    }
  }
}

resource "aws_iam_policy" "delete" {
  count = length(local.delete_actions) > 0 ? 1 : 0

  name        = "${var.name}-bot-delete"
  description = "What tfsync's bot may delete: the types opted in to deletion from Slack"
  policy      = data.aws_iam_policy_document.delete.json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "delete" {
  count = length(local.delete_actions) > 0 ? 1 : 0

  role       = aws_iam_role.this.name
  policy_arn = aws_iam_policy.delete[0].arn
}

################################################################################
# ECS Fargate service (optional; the Procfile runs the same bot on any other platform)
################################################################################

locals {
  # HTTP mode on ECS: Slack's requests come in through API Gateway's VPC link (the http_api module) to the tasks,
  # which Cloud Map lists. In socket mode the service has no port, no registry and nothing in.
  http_service = var.create_ecs_service && var.slack_mode == "http"
}

resource "aws_ecs_cluster" "this" {
  count = var.create_ecs_service && var.ecs_cluster_arn == null ? 1 : 0

  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  tags = var.tags
}

data "aws_iam_policy_document" "execution_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "execution" {
  count = var.create_ecs_service ? 1 : 0

  name                 = "${var.name}-bot-execution"
  description          = "tfsync ${var.name}: ECS starts the bot's task (image, logs, Slack secret)"
  assume_role_policy   = data.aws_iam_policy_document.execution_assume.json
  permissions_boundary = var.role_permissions_boundary

  tags = var.tags
}

data "aws_iam_policy_document" "execution" {
  #checkov:skip=CKV_AWS_356:ecr:GetAuthorizationToken has no resource to name; AWS requires "*".
  #checkov:skip=CKV_AWS_111:The only writes are log events to the bot's own log group.
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  statement {
    sid       = "SlackSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.slack.arn]
  }

  statement {
    sid       = "SlackSecretKey"
    actions   = ["kms:Decrypt"]
    resources = [local.kms_key_arn]
  }

  dynamic "statement" {
    for_each = length(local.ecr_repository_arns) > 0 ? [1] : []

    content {
      sid       = "PullImageToken"
      actions   = ["ecr:GetAuthorizationToken"]
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = length(local.ecr_repository_arns) > 0 ? [1] : []

    content {
      sid       = "PullImage"
      actions   = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]
      resources = local.ecr_repository_arns
    }
  }
}

resource "aws_iam_role_policy" "execution" {
  count = var.create_ecs_service ? 1 : 0

  name   = "${var.name}-bot-execution"
  role   = aws_iam_role.execution[0].id
  policy = data.aws_iam_policy_document.execution.json
}

resource "aws_ecs_task_definition" "this" {
  count = var.create_ecs_service ? 1 : 0

  family                   = "${var.name}-bot"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.task_cpu
  memory                   = var.task_memory
  execution_role_arn       = aws_iam_role.execution[0].arn
  task_role_arn            = aws_iam_role.this.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.task_cpu_architecture
  }

  # The root file system is read-only; Python and the bot write temporary files here only.
  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([
    {
      name                   = "tfsync"
      image                  = var.image
      essential              = true
      command                = var.command
      readonlyRootFilesystem = true
      stopTimeout            = var.stop_timeout
      environment            = [for key in sort(keys(local.environment)) : { name = key, value = local.environment[key] }]
      secrets                = [for key in sort(keys(local.bot_secrets)) : { name = key, valueFrom = local.bot_secrets[key] } if local.bot_secrets[key] != null]
      mountPoints            = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
      linuxParameters        = { initProcessEnabled = true }
      # HTTP mode: the port Slack's requests arrive on (through the VPC link). Both modes: the image's heartbeat
      # check, which ECS acts on (an unhealthy task, stuck or cut off from Slack or SQS, is replaced) and, in HTTP
      # mode, reports to Cloud Map (no request goes to it).
      portMappings = local.http_service ? [{ containerPort = var.http_port, hostPort = var.http_port, protocol = "tcp" }] : null
      healthCheck = {
        command     = ["CMD", "python", "-m", "bot", "health"]
        interval    = var.health_check.interval
        timeout     = var.health_check.timeout
        retries     = var.health_check.retries
        startPeriod = var.health_check.start_period
      }
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.this.name
          awslogs-region        = local.region
          awslogs-stream-prefix = "bot"
        }
      }
    }
  ])

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.image != null
      error_message = "create_ecs_service needs image (the bot's container image)."
    }
  }
}

resource "aws_security_group" "this" {
  count = var.create_ecs_service ? 1 : 0

  name        = "${var.name}-bot"
  description = "tfsync ${var.name} bot: HTTPS out to Slack and AWS APIs, nothing in"
  vpc_id      = var.vpc_id

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.vpc_id != null && length(var.subnet_ids) > 0
      error_message = "create_ecs_service needs vpc_id and subnet_ids."
    }
  }
}

resource "aws_vpc_security_group_egress_rule" "https" {
  count = var.create_ecs_service ? 1 : 0

  security_group_id = aws_security_group.this[0].id
  description       = "HTTPS to Slack (Socket Mode, Web API) and AWS APIs"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"

  tags = var.tags
}

# HTTP mode: a second group on the tasks, whose one rule admits the VPC link's group on http_port. The group
# above keeps admitting nothing, so switching modes changes the service's groups and replaces no group.
resource "aws_security_group" "http" {
  count = local.http_service ? 1 : 0

  name        = "${var.name}-bot-http"
  description = "tfsync ${var.name} bot, HTTP mode: Slack's requests in from the API's VPC link only"
  vpc_id      = var.vpc_id

  tags = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "http" {
  count = local.http_service ? 1 : 0

  security_group_id            = aws_security_group.http[0].id
  description                  = "Slack's requests from the API Gateway VPC link"
  ip_protocol                  = "tcp"
  from_port                    = var.http_port
  to_port                      = var.http_port
  referenced_security_group_id = var.vpc_link_security_group_id

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.vpc_link_security_group_id != null && var.service_discovery_service_arn != null
      error_message = "slack_mode = \"http\" with create_ecs_service needs vpc_link_security_group_id and service_discovery_service_arn (the http_api module's security_group_id and service_discovery_service_arn)."
    }
  }
}

resource "aws_ecs_service" "this" {
  count = var.create_ecs_service ? 1 : 0

  name                               = "${var.name}-bot"
  cluster                            = coalesce(var.ecs_cluster_arn, try(aws_ecs_cluster.this[0].arn, null))
  task_definition                    = aws_ecs_task_definition.this[0].arn
  desired_count                      = var.desired_count
  launch_type                        = "FARGATE"
  platform_version                   = "LATEST"
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"
  enable_execute_command             = false

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = concat([aws_security_group.this[0].id], aws_security_group.http[*].id)
    assign_public_ip = var.assign_public_ip
  }

  # HTTP mode: each task is registered in Cloud Map with its address and port (an SRV record), healthy once its
  # container health check passes; API Gateway's VPC link sends Slack's requests to those.
  dynamic "service_registries" {
    for_each = local.http_service ? [1] : []

    content {
      registry_arn   = var.service_discovery_service_arn
      container_name = "tfsync"
      container_port = var.http_port
    }
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  tags = var.tags
}
