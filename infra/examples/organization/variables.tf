variable "region" {
  description = "Region of tfsync's deployment (examples/complete), where the organization's bus is created"
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Name prefix of everything this example creates (the same as examples/complete's)"
  type        = string
  default     = "tfsync"
}

variable "tags" {
  description = "Tags for everything this example creates"
  type        = map(string)
  default     = { "app" = "tfsync" }
}

variable "organization_id" {
  description = "AWS Organizations id (o-...) whose accounts may put events on the bus"
  type        = string
}

variable "queue_arn" {
  description = "ARN of the queue tfsync consumes (examples/complete's queue, <name>-events)"
  type        = string
}

variable "dead_letter_queue_arn" {
  description = "ARN of that queue's dead-letter queue (<name>-events-dlq); null leaves the bus rules without one"
  type        = string
  default     = null
}

variable "bot_role_arn" {
  description = "tfsync's bot role (examples/complete's bot_role_arn output), which assumes the member role"
  type        = string
}

variable "member_account_role_arn" {
  description = "Role Terraform assumes to apply in the member account (e.g. arn:aws:iam::<account>:role/OrganizationAccountAccessRole)"
  type        = string
}

variable "member_region" {
  description = "Region of the member account to forward events from; null uses region"
  type        = string
  default     = null
}

variable "external_id" {
  description = "External id tfsync passes when it assumes the member role (TFSYNC_ROLE_EXTERNAL_ID); null requires none"
  type        = string
  default     = null
}

variable "allow_delete_types" {
  description = "Terraform types tfsync may delete in the member account (opt-in)"
  type        = list(string)
  default     = []
}

variable "adopter_role_arn" {
  description = "The adopter module's role (examples/complete's tfsync-adopt role), trusted by the member role so adopt jobs run Terraform as it; null when adopt jobs never do (terraform_credentials \"adopter\")"
  type        = string
  default     = null
}

variable "terraform_state_bucket_arns" {
  description = "Buckets of the Terraform states adopt jobs plan against as the member role (the member role's s3:ListBucket, and a statement in state_bucket_policy_json)"
  type        = list(string)
  default     = []
}

variable "terraform_state_object_arns" {
  description = "State objects adopt jobs read as the member role (and write with allow_apply); their .tflock objects are lockable"
  type        = list(string)
  default     = []
}

variable "terraform_lock_table_arns" {
  description = "DynamoDB lock tables of those states (backends with dynamodb_table)"
  type        = list(string)
  default     = []
}

variable "terraform_state_kms_key_arns" {
  description = "KMS keys the states are encrypted with"
  type        = list(string)
  default     = []
}

variable "terraform_state_role_arns" {
  description = "Roles of the state's account the member role may assume, for backends with assume_role { role_arn }"
  type        = list(string)
  default     = []
}

variable "allow_apply" {
  description = "Let adopt jobs write the states as the member role (the adopter's apply-and-push mode)"
  type        = bool
  default     = false
}
