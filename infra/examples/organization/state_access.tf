# The other side of the member role's access to the Terraform state: cross-account access needs both the role's
# own policy (the org_member module's terraform_state_* inputs) and the policy of the bucket, lock table and key,
# which live in the state's account and are the team's own. These documents grant the member role of each member
# account exactly what the module grants it on them; merge them into those policies (see outputs.tf).

data "aws_partition" "current" {}

locals {
  partition = data.aws_partition.current.partition
  # The member account of this example is the account of the role Terraform applies there with.
  member_account_ids = [split(":", var.member_account_role_arn)[4]]
  # The role adopt jobs run Terraform as in each member account (add each further member account's id above).
  member_role_arns = [for account in local.member_account_ids : "arn:${local.partition}:iam::${account}:role/${module.member.role_name}"]

  state_lock_object_arns = [for arn in var.terraform_state_object_arns : "${arn}.tflock"]
  # The bucket of each state ARN (the org_member module validates them; one it refuses is left out here).
  state_arn_buckets = {
    for arn in concat(var.terraform_state_bucket_arns, var.terraform_state_object_arns, local.state_lock_object_arns) :
    arn => regex("^arn:[a-z-]+:s3:::([^/]+)", arn)[0] if can(regex("^arn:[a-z-]+:s3:::([^/]+)", arn))
  }
  # Each bucket's statements: what the member role is granted on that bucket and its objects, none left empty.
  state_bucket_statements = {
    for bucket in distinct(values(local.state_arn_buckets)) : bucket => [
      for statement in [
        {
          sid       = "TfsyncMemberRolesListState"
          actions   = ["s3:ListBucket"]
          resources = [for arn in var.terraform_state_bucket_arns : arn if lookup(local.state_arn_buckets, arn, null) == bucket]
        },
        {
          sid       = "TfsyncMemberRolesReadState"
          actions   = var.allow_apply ? ["s3:GetObject", "s3:PutObject"] : ["s3:GetObject"]
          resources = [for arn in var.terraform_state_object_arns : arn if lookup(local.state_arn_buckets, arn, null) == bucket]
        },
        {
          sid       = "TfsyncMemberRolesLockStateFile"
          actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
          resources = [for arn in local.state_lock_object_arns : arn if lookup(local.state_arn_buckets, arn, null) == bucket]
        },
      ] : statement if length(statement.resources) > 0
    ]
  }
}

# One bucket policy per state bucket: a bucket policy names its own bucket's ARNs only.
data "aws_iam_policy_document" "state_bucket" {
  for_each = local.state_bucket_statements

  dynamic "statement" {
    for_each = each.value

    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = statement.value.resources

      principals {
        type        = "AWS"
        identifiers = local.member_role_arns
      }

      condition {
        test     = "StringEquals"
        variable = "aws:PrincipalOrgID"
        values   = [var.organization_id]
      }
    }
  }
}

# A DynamoDB table's resource-based policy (aws_dynamodb_resource_policy) names that table only.
data "aws_iam_policy_document" "state_lock_table" {
  for_each = toset(var.terraform_lock_table_arns)

  statement {
    sid       = "TfsyncMemberRolesLockStateTable"
    actions   = ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]
    resources = [each.key]

    principals {
      type        = "AWS"
      identifiers = local.member_role_arns
    }

    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalOrgID"
      values   = [var.organization_id]
    }
  }
}

# A statement for each state key's key policy, where "*" is the key itself.
data "aws_iam_policy_document" "state_kms_key" {
  count = length(var.terraform_state_kms_key_arns) > 0 ? 1 : 0

  #checkov:skip=CKV_AWS_356:A key policy's "*" resource is the key itself, not every resource.
  #checkov:skip=CKV_AWS_111:A key policy's "*" resource is the key itself; the statement admits the member roles of the organization only.
  statement {
    sid       = "TfsyncMemberRolesStateKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = local.member_role_arns
    }

    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalOrgID"
      values   = [var.organization_id]
    }
  }
}
