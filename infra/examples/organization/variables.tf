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
