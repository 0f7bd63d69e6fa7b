variable "name" {
  description = "Name prefix of every resource this module creates"
  type        = string
  default     = "tfsync"
}

variable "tags" {
  description = "Tags for every resource this module creates"
  type        = map(string)
  default     = {}
}

variable "enable_eventbridge" {
  description = "Create the EventBridge rules that send the catalog's create events to the queue (the real-time path)"
  type        = bool
  default     = true
}

variable "enable_codebuild_events" {
  description = "Create the EventBridge rule that sends state and phase changes of the adopt builds to the queue"
  type        = bool
  default     = false
}

variable "reconcile_schedule" {
  description = "How often the bot reconciles: an EventBridge schedule expression (\"rate(1 day)\", \"cron(0 6 * * ? *)\") for a scan that reports resources whose creation events never reached tfsync; null for none"
  type        = string
  default     = null
}

variable "codebuild_project_names" {
  description = "CodeBuild projects whose build state changes tfsync follows (the adopter module's project_name)"
  type        = list(string)
  default     = []
}

variable "visibility_timeout_seconds" {
  description = "Visibility timeout of the queue; the bot extends it while slow work is still running"
  type        = number
  default     = 120
}

variable "message_retention_seconds" {
  description = "How long the queue keeps a message"
  type        = number
  default     = 345600
}

variable "dlq_message_retention_seconds" {
  description = "How long the dead-letter queue keeps a message"
  type        = number
  default     = 1209600
}

variable "max_receive_count" {
  description = "Receives after which a message moves to the dead-letter queue"
  type        = number
  default     = 5
}

variable "queue_kms_key_arn" {
  description = "KMS key for the queues; null uses SQS-managed encryption (SSE-SQS). A customer key's policy must let events.amazonaws.com and sns.amazonaws.com use it"
  type        = string
  default     = null
}

variable "create_trail" {
  description = "Create a multi-region CloudTrail trail and its bucket; false when an existing or organization trail already records management events"
  type        = bool
  default     = true
}

variable "trail_name" {
  description = "Name of the trail to create, or of the existing trail that publishes to the log-file topic this module creates; defaults to name"
  type        = string
  default     = null
}

variable "trail_multi_region" {
  description = "Whether the created trail records every region"
  type        = bool
  default     = true
}

variable "is_organization_trail" {
  description = "Whether the created trail is an organization trail (apply in the management or delegated administrator account)"
  type        = bool
  default     = false
}

variable "organization_id" {
  description = "AWS Organizations id (o-...), needed when is_organization_trail is true"
  type        = string
  default     = null
}

variable "trail_bucket_name" {
  description = "Name of the trail's bucket; defaults to <name>-cloudtrail-<account id>"
  type        = string
  default     = null
}

variable "trail_bucket_force_destroy" {
  description = "Let terraform destroy delete the trail bucket with its log files"
  type        = bool
  default     = false
}

variable "trail_log_retention_days" {
  description = "Days the trail bucket keeps log files"
  type        = number
  default     = 90
}

variable "access_log_bucket_name" {
  description = "Bucket receiving S3 access logs of the trail bucket; null turns access logging off"
  type        = string
  default     = null
}

variable "kms_key_arn" {
  description = "KMS key for the trail's log files and the log-file topic; null creates one"
  type        = string
  default     = null
}

variable "enable_log_file_notifications" {
  description = "Subscribe the queue to CloudTrail's log-file notifications (SNS): covers regions and accounts the EventBridge rules do not see, minutes later"
  type        = bool
  default     = false
}

variable "log_file_sns_topic_arn" {
  description = "Existing SNS topic an existing trail publishes log-file notifications to; null creates one (used by the created trail)"
  type        = string
  default     = null
}

variable "extra_event_rule_arns" {
  description = "More EventBridge rules allowed to send to the queue and its dead-letter queue, e.g. the organisation bus's rules (org_bus's event_rule_arns)"
  type        = list(string)
  default     = []
}
