# The S3 bucket and DynamoDB lock table that hold tfsync's own Terraform state (examples/complete's backend).
# Applied once with local state, before anything else; `make backend` writes backend.hcl from its outputs.

terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  region = var.region
}

variable "region" {
  description = "Region of the state bucket and lock table"
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Name prefix"
  type        = string
  default     = "tfsync"
}

variable "deletion_protection_enabled" {
  description = "Deletion protection of the lock table (make bootstrap-destroy turns it off)"
  type        = bool
  default     = true
}

variable "force_destroy" {
  description = "Let destroy delete the state bucket with every state version in it"
  type        = bool
  default     = false
}

variable "state_key" {
  description = "Key of tfsync's state in the bucket"
  type        = string
  default     = "tfsync/terraform.tfstate"
}

data "aws_caller_identity" "current" {}

resource "aws_kms_key" "state" {
  #checkov:skip=CKV2_AWS_64:The default key policy (account root administers, IAM policies grant use) is the intended one.
  description             = "tfsync ${var.name}: Terraform state"
  enable_key_rotation     = true
  deletion_window_in_days = 30
}

resource "aws_s3_bucket" "state" {
  #checkov:skip=CKV_AWS_144:A state bucket in one region is the usual setup; versioning keeps every earlier state.
  #checkov:skip=CKV_AWS_18:Access logging needs a separate log bucket; the state is read only by Terraform.
  #checkov:skip=CKV2_AWS_62:Nothing reacts to state object events.
  bucket        = "${var.name}-tfstate-${data.aws_caller_identity.current.account_id}"
  force_destroy = var.force_destroy
}

resource "aws_s3_bucket_ownership_controls" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "state" {
  bucket                  = aws_s3_bucket.state.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "state" {
  bucket = aws_s3_bucket.state.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.state.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    id     = "expire-old-state-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = 90
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

data "aws_iam_policy_document" "state" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.state.arn, "${aws_s3_bucket.state.arn}/*"]

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

resource "aws_s3_bucket_policy" "state" {
  bucket = aws_s3_bucket.state.id
  policy = data.aws_iam_policy_document.state.json

  depends_on = [aws_s3_bucket_public_access_block.state]
}

resource "aws_dynamodb_table" "lock" {
  name                        = "${var.name}-tfstate-lock"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "LockID"
  deletion_protection_enabled = var.deletion_protection_enabled

  attribute {
    name = "LockID"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.state.arn
  }
}

output "backend_config" {
  description = "Contents of examples/complete/backend.hcl"
  value       = <<-EOT
    bucket         = "${aws_s3_bucket.state.id}"
    key            = "${var.state_key}"
    region         = "${var.region}"
    dynamodb_table = "${aws_dynamodb_table.lock.name}"
    kms_key_id     = "${aws_kms_key.state.arn}"
    encrypt        = true
  EOT
}
