variable "name" {
  description = "Name prefix of every resource this module creates (alarms, topic, dashboard)"
  type        = string
  default     = "tfsync"
}

variable "tags" {
  description = "Tags for every resource this module creates"
  type        = map(string)
  default     = {}
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the bot's own metrics (the EMF lines of bot/metrics.py)"
  type        = string
  default     = "tfsync"
}

variable "queue_name" {
  description = "Name of the queue the bot consumes (the detection module's queue)"
  type        = string
}

variable "dead_letter_queue_name" {
  description = "Name of the queue's dead-letter queue"
  type        = string
}

variable "codebuild_project_name" {
  description = "The adopt CodeBuild project (the adopter module's project_name); null: no build alarm"
  type        = string
  default     = null
}

variable "event_rule_names" {
  description = "EventBridge rules on the default bus that feed the queue (the detection rules); one FailedInvocations alarm each"
  type        = list(string)
  default     = []
}

variable "ecs_service" {
  description = "The bot's ECS service, with Container Insights on its cluster: {cluster_name, service_name}; null (the bot runs elsewhere): no task alarm"
  type = object({
    cluster_name = string
    service_name = string
  })
  default = null
}

variable "oldest_message_age_seconds" {
  description = "Alarm when the queue's oldest message is older than this many seconds (the bot handles a message in seconds)"
  type        = number
  default     = 900
}

variable "consumer_errors_threshold" {
  description = "Alarm when this many queue messages fail (or are malformed) within errors_period_seconds"
  type        = number
  default     = 5
}

variable "slack_errors_threshold" {
  description = "Alarm when Slack answers this many calls with an error (429s included) within errors_period_seconds"
  type        = number
  default     = 20
}

variable "errors_period_seconds" {
  description = "Period of the consumer, Slack, build and EventBridge error alarms"
  type        = number
  default     = 300
}

variable "bot_absent_minutes" {
  description = "Alarm when fewer tasks than desired run for this many minutes in a row"
  type        = number
  default     = 5
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for the alarm topic (its policy must let cloudwatch.amazonaws.com use it); null creates one"
  type        = string
  default     = null
}

variable "slack_workspace_id" {
  description = "Slack workspace (team) id authorized in AWS Chatbot; with slack_channel_id, alarms are posted to that channel"
  type        = string
  default     = null
}

variable "slack_channel_id" {
  description = "Slack channel id AWS Chatbot posts the alarms to (invite @aws there)"
  type        = string
  default     = null
}

variable "alarm_email_addresses" {
  description = "Email addresses subscribed to the alarm topic (each confirms by mail)"
  type        = list(string)
  default     = []
}

variable "alarm_https_endpoints" {
  description = "HTTPS endpoints subscribed to the alarm topic (each must confirm the subscription)"
  type        = list(string)
  default     = []
}

variable "create_dashboard" {
  description = "Create the CloudWatch dashboard of these metrics"
  type        = bool
  default     = true
}
