variable "table_prefix" {
  description = "Tables are named <table_prefix><table>, as the bot names them (TFSYNC_TABLE_PREFIX); change it for a second installation in one account"
  type        = string
  default     = "tfsync-"
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for the tables; null uses the AWS managed key for DynamoDB (encryption stays on either way)"
  type        = string
  default     = null
}

variable "deletion_protection_enabled" {
  description = "Refuse to delete the tables (set false before terraform destroy)"
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every table"
  type        = map(string)
  default     = {}
}
