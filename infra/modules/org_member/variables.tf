variable "name" {
  description = "Name prefix of the forwarding rules and their role (<name>-forward-<key> rules, <name>-forward-<region> role)"
  type        = string
  default     = "tfsync"
}

variable "tags" {
  description = "Tags for every resource this module creates"
  type        = map(string)
  default     = {}
}

variable "enable_event_forwarding" {
  description = "Create the rules that forward this region's catalog create events to central_bus_arn, and their role; false for an account covered by an organization trail's log files only"
  type        = bool
  default     = true
}

variable "central_bus_arn" {
  description = "ARN of the organization's bus in tfsync's account (the org_bus module's bus_arn); needed when enable_event_forwarding is true"
  type        = string
  default     = null
}

variable "create_member_role" {
  description = "Create the role tfsync assumes in this account; IAM is global, so true in one region of each account and false in the others"
  type        = bool
  default     = true
}

variable "member_role_name" {
  description = "Name of the role tfsync assumes, the same in every member account (TFSYNC_MEMBER_ROLE_NAME)"
  type        = string
  default     = "tfsync-member"
}

variable "tfsync_role_arn" {
  description = "ARN of tfsync's bot role (the bot_runtime module's role_arn), the principal allowed to assume the member role; needed when create_member_role is true"
  type        = string
  default     = null
}

variable "extra_trusted_role_arns" {
  description = "Other roles of tfsync's account allowed to assume the member role (the adopter module's role_arn, when adopt builds plan in member accounts)"
  type        = list(string)
  default     = []
}

variable "external_id" {
  description = "External id the assuming role must pass (sts:ExternalId condition; tfsync sends TFSYNC_ROLE_EXTERNAL_ID); null sets no condition"
  type        = string
  default     = null
}

variable "allow_delete_types" {
  description = "Terraform types tfsync may delete in this account (opt-in; empty means the member role deletes nothing); the actions come from the catalog"
  type        = list(string)
  default     = []
}

variable "role_permissions_boundary" {
  description = "Permissions boundary ARN for both roles this module creates"
  type        = string
  default     = null
}

variable "terraform_state_bucket_arns" {
  description = "ARNs of the buckets holding the Terraform states adopt jobs plan against as this role (s3:ListBucket); a bucket in another account must allow this role in its own policy too"
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.terraform_state_bucket_arns : can(regex("^arn:[a-z-]+:s3:::[A-Za-z0-9._-]{3,255}$", arn))])
    error_message = "terraform_state_bucket_arns must be S3 bucket ARNs, arn:<partition>:s3:::<bucket>, without a key or wildcards."
  }
}

variable "terraform_state_object_arns" {
  description = "ARNs of the state objects adopt jobs read as this role (s3:GetObject; s3:PutObject too with allow_apply); their <key>.tflock objects (the S3 backend's use_lockfile) are readable, writable and deletable"
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.terraform_state_object_arns : can(regex("^arn:[a-z-]+:s3:::[A-Za-z0-9._-]{3,255}/.+$", arn))])
    error_message = "terraform_state_object_arns must be S3 object ARNs, arn:<partition>:s3:::<bucket>/<key>, with a bucket name that has no wildcard."
  }
}

variable "terraform_lock_table_arns" {
  description = "ARNs of the DynamoDB lock tables of those states (backends with dynamodb_table): GetItem, PutItem, DeleteItem, DescribeTable"
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.terraform_lock_table_arns : can(regex("^arn:[a-z-]+:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]{3,255}$", arn))])
    error_message = "terraform_lock_table_arns must be DynamoDB table ARNs, arn:<partition>:dynamodb:<region>:<account>:table/<name>, without wildcards."
  }
}

variable "terraform_state_kms_key_arns" {
  description = "ARNs of the KMS keys the states (and lock tables) are encrypted with: Decrypt, Encrypt, GenerateDataKey, DescribeKey; a key in another account must allow this role in its key policy too"
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.terraform_state_kms_key_arns : can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", arn))])
    error_message = "terraform_state_kms_key_arns must be KMS key ARNs, arn:<partition>:kms:<region>:<account>:key/<key id> (not aliases, no wildcards)."
  }
}

variable "terraform_state_role_arns" {
  description = "Roles this role may assume (sts:AssumeRole) for backends whose configuration carries assume_role { role_arn }: those roles read the state, and must trust this role"
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.terraform_state_role_arns : can(regex("^arn:[a-z-]+:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", arn))])
    error_message = "terraform_state_role_arns must be IAM role ARNs, arn:<partition>:iam::<account>:role/<name>, without wildcards."
  }
}

variable "allow_apply" {
  description = "Let adopt jobs running as this role write the states (s3:PutObject on terraform_state_object_arns; the adopter's apply-and-push mode); false keeps them to plans"
  type        = bool
  default     = false
}
