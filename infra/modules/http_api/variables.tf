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

################################################################################
# Where the bot's tasks run
################################################################################

variable "vpc_id" {
  description = "VPC of the bot's ECS service (bot_runtime's vpc_id); the Cloud Map namespace and the VPC link's security group are made in it"
  type        = string
}

variable "subnet_ids" {
  description = "Subnets the VPC link reaches the tasks from (the service's subnet_ids, or others of the same VPC with a route to them)"
  type        = list(string)
}

variable "service_security_group_id" {
  description = "Security group of the bot's tasks that admits the VPC link (bot_runtime's http_security_group_id); the VPC link may send to it only"
  type        = string
}

variable "service_port" {
  description = "Port the bot's container serves HTTP mode on (bot_runtime's http_port output)"
  type        = number
  default     = 8080
}

variable "namespace_name" {
  description = "Name of the Cloud Map private DNS namespace the tasks are registered in; null is <name>.internal"
  type        = string
  default     = null
}

################################################################################
# The API
################################################################################

variable "integration_timeout_milliseconds" {
  description = "How long API Gateway waits for the bot's answer (Slack gives up on a request after 3 seconds and retries it)"
  type        = number
  default     = 3000

  validation {
    condition     = var.integration_timeout_milliseconds >= 50 && var.integration_timeout_milliseconds <= 30000
    error_message = "integration_timeout_milliseconds must be between 50 and 30000."
  }
}

variable "throttling_rate_limit" {
  description = "Requests per second the stage lets through to the bot (steady state); more are answered 429 by API Gateway"
  type        = number
  default     = 50
}

variable "throttling_burst_limit" {
  description = "Requests the stage lets through at once above the rate limit"
  type        = number
  default     = 100
}

variable "domain_name" {
  description = "Custom domain of the API (e.g. tfsync.example.com); null keeps the execute-api address only"
  type        = string
  default     = null
}

variable "certificate_arn" {
  description = "ACM certificate of domain_name, in the API's region"
  type        = string
  default     = null
}

variable "disable_execute_api_endpoint" {
  description = "With domain_name, refuse requests to the default execute-api address so the custom domain is the only way in"
  type        = bool
  default     = false
}

################################################################################
# Access logs
################################################################################

variable "kms_key_arn" {
  description = "KMS key of the access log group; null creates one. A key of your own must let logs.<region>.amazonaws.com use it"
  type        = string
  default     = null
}

variable "log_retention_days" {
  description = "Days the access log group keeps logs"
  type        = number
  default     = 365
}
