variable "region" {
  description = "Region to deploy tfsync in (us-east-1 also receives the EventBridge events of global services such as IAM)"
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Name prefix of everything tfsync creates"
  type        = string
  default     = "tfsync"
}

variable "tags" {
  description = "Tags for everything tfsync creates"
  type        = map(string)
  default     = { "app" = "tfsync" }
}

variable "deletion_protection_enabled" {
  description = "Deletion protection of the state tables (set false before destroy)"
  type        = bool
  default     = true
}

variable "force_destroy" {
  description = "Let destroy delete the trail and artifact buckets with their objects (make destroy sets it)"
  type        = bool
  default     = false
}

variable "repository_url" {
  description = "HTTPS clone URL of the Terraform repository tfsync adopts into"
  type        = string
}

variable "repository_base_branch" {
  description = "Branch adopt builds start from"
  type        = string
  default     = "main"
}

variable "repository_root_dir" {
  description = "The root module's folder inside the repository (monorepos: envs/prod)"
  type        = string
  default     = "."
}

variable "adopt_script_path" {
  description = "Path of the adopt script the build runs"
  type        = string
  default     = "../../adopter/adopt.sh"
}

variable "terraform_version" {
  description = "Terraform version of the adopt build"
  type        = string
  default     = "1.11.4"
}

variable "terraform_sha256" {
  description = "SHA-256 of terraform_<version>_linux_amd64.zip (from HashiCorp's SHA256SUMS file)"
  type        = string
}

variable "terraform_state_bucket_arns" {
  description = "Buckets of the team's Terraform states"
  type        = list(string)
  default     = []
}

variable "terraform_state_object_arns" {
  description = "The team's Terraform state objects the adopt build plans against"
  type        = list(string)
  default     = []
}

variable "terraform_lock_table_arns" {
  description = "DynamoDB lock tables of those states"
  type        = list(string)
  default     = []
}

variable "terraform_state_kms_key_arns" {
  description = "KMS keys of those states"
  type        = list(string)
  default     = []
}

variable "adopter_read_policy_arns" {
  description = "Managed policies the adopt build's role reads the team's whole state with (the adopter's read_policy_arns); null: ReadOnlyAccess"
  type        = list(string)
  default     = null
}

variable "terraform_data_arns" {
  description = "Objects, secrets, tables and keys the team's Terraform manages and its plan reads (the adopter's terraform_data_arns)"
  type        = list(string)
  default     = []
}

variable "pr_provider" {
  description = "github or gitlab: who opens the adopt builds' pull requests (null: inferred from pr_api_url or the repository's host)"
  type        = string
  default     = null
}

variable "pr_api_url" {
  description = "Base URL of the pull request API (GitHub Enterprise: https://<host>/api/v3, GitLab: https://<host>/api/v4); null: inferred"
  type        = string
  default     = null
}

variable "adopt_mode" {
  description = "pr: adopt builds push a branch and open a pull request; apply: they push to the base branch, then apply the import (and may write the state)"
  type        = string
  default     = "pr"
}

variable "state_locations" {
  description = "Terraform states whose resources are already managed (s3://bucket/key or s3://bucket/prefix/)"
  type        = list(string)
  default     = []
}

variable "create_trail" {
  description = "Create a multi-region trail (false with an existing or organization trail)"
  type        = bool
  default     = true
}

variable "enable_log_file_notifications" {
  description = "Also read CloudTrail log files through SNS (regions the EventBridge rules do not see)"
  type        = bool
  default     = false
}

variable "visibility_timeout" {
  description = "Visibility timeout of the queue and the bot, in seconds"
  type        = number
  default     = 120
}

variable "delete_types" {
  description = "Terraform types the bot may delete (opt-in)"
  type        = list(string)
  default     = []
}

variable "extra_delete_actions" {
  description = "Further IAM actions deletion of those types needs"
  type        = list(string)
  default     = []
}

variable "slack_channel" {
  description = "Slack channel id resource threads go to (invite the bot there)"
  type        = string
  default     = null
}

variable "slack_routes" {
  description = "Routing rules to other channels: {channel = ..., and any of account, region, type, tag}"
  type        = list(map(string))
  default     = []
}

variable "slack_admins" {
  description = "Slack user ids allowed to delete"
  type        = list(string)
  default     = []
}

variable "slack_admin_group" {
  description = "Slack user group whose members may delete"
  type        = string
  default     = null
}

variable "reconcile_schedule" {
  description = "How often the bot scans for resources whose creation events never reached it (an EventBridge schedule expression); null for never"
  type        = string
  default     = "rate(1 day)"
}

variable "target_modules" {
  description = "Module addresses of the Terraform repository the Adopt form offers"
  type        = list(string)
  default     = []
}

variable "create_ecs_service" {
  description = "Run the bot as an ECS Fargate service"
  type        = bool
  default     = false
}

variable "image" {
  description = "Container image of the bot"
  type        = string
  default     = null
}

variable "vpc_id" {
  description = "VPC of the ECS service"
  type        = string
  default     = null
}

variable "subnet_ids" {
  description = "Subnets of the ECS service"
  type        = list(string)
  default     = []
}

variable "desired_count" {
  description = "Bot replicas"
  type        = number
  default     = 1
}

variable "slack_mode" {
  description = "socket: the bot connects to Slack (Socket Mode); http: Slack sends its requests to the slack_request_url output, through API Gateway to the ECS service (needs create_ecs_service)"
  type        = string
  default     = "socket"

  validation {
    condition     = contains(["socket", "http"], var.slack_mode)
    error_message = "slack_mode must be socket or http."
  }
}

variable "alarm_slack_workspace_id" {
  description = "Slack workspace (team) id authorized in AWS Chatbot, to post the alarms to alarm_slack_channel_id (null: no Slack)"
  type        = string
  default     = null
}

variable "alarm_slack_channel_id" {
  description = "Slack channel id the alarms are posted to (invite @aws there)"
  type        = string
  default     = null
}

variable "alarm_email_addresses" {
  description = "Email addresses the alarms are sent to (each confirms its subscription)"
  type        = list(string)
  default     = []
}
