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
