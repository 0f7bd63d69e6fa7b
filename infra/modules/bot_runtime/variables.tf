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
# What the bot reads and writes
################################################################################

variable "queue_url" {
  description = "URL of the queue the bot consumes (the detection module's queue_url)"
  type        = string
}

variable "queue_arn" {
  description = "ARN of that queue"
  type        = string
}

variable "queue_kms_key_arn" {
  description = "KMS key of the queue, when it is not SQS-managed"
  type        = string
  default     = null
}

variable "table_arns" {
  description = "Table and index ARNs of the state tables (the state module's iam_resource_arns)"
  type        = list(string)
  default     = []
}

variable "table_kms_key_arn" {
  description = "Customer managed KMS key of the state tables, if any"
  type        = string
  default     = null
}

variable "artifact_bucket_arn" {
  description = "ARN of the adopter's artifact bucket, which the bot writes job files to (under jobs/); null without CodeBuild"
  type        = string
  default     = null
}

variable "artifact_kms_key_arn" {
  description = "KMS key of the artifact bucket"
  type        = string
  default     = null
}

variable "codebuild_project_arn" {
  description = "ARN of the adopt CodeBuild project the bot starts; null without CodeBuild"
  type        = string
  default     = null
}

variable "codebuild_log_group_arn" {
  description = "ARN of the adopt builds' log group, which the bot reads results from"
  type        = string
  default     = null
}

variable "cloudtrail_bucket_arn" {
  description = "ARN of the trail bucket the bot fetches CloudTrail log files from (the log-file path)"
  type        = string
  default     = null
}

variable "cloudtrail_kms_key_arn" {
  description = "KMS key of the trail's log files"
  type        = string
  default     = null
}

variable "state_kms_key_arns" {
  description = "KMS keys the Terraform states in state_locations are encrypted with"
  type        = list(string)
  default     = []
}

variable "delete_types" {
  description = "Terraform types the bot may delete when someone clicks Delete (opt-in; empty means the bot deletes nothing)"
  type        = list(string)
  default     = []
}

variable "extra_delete_actions" {
  description = "IAM actions added to those generated for delete_types (from the catalog's delete events and the delete executors' calls)"
  type        = list(string)
  default     = []
}

################################################################################
# Settings (bot/config.py): null leaves the bot's default
################################################################################

variable "state_locations" {
  description = "TFSYNC_STATE_LOCATIONS: Terraform states in S3 (s3://bucket/key.tfstate or s3://bucket/prefix/, optionally ?workspace_key_prefix=<prefix>, env: by default) whose resources, and those of their workspaces' states, are already managed; the role may read them"
  type        = list(string)
  default     = []
}

variable "own_role_arns" {
  description = "TFSYNC_OWN_ROLE_ARNS: roles whose calls are tfsync's own (the adopter's role_arn); the bot's role is added"
  type        = list(string)
  default     = []
}

variable "ignore_rules_file" {
  description = "TFSYNC_IGNORE_RULES_FILE: path of an ignore-rules JSON file inside the image"
  type        = string
  default     = null
}

variable "max_message_bytes" {
  description = "TFSYNC_MAX_MESSAGE_BYTES: largest queue message body read"
  type        = number
  default     = null
}

variable "max_log_file_bytes" {
  description = "TFSYNC_MAX_LOG_FILE_BYTES: largest decompressed CloudTrail log file read"
  type        = number
  default     = null
}

variable "log_level" {
  description = "TFSYNC_LOG_LEVEL"
  type        = string
  default     = "INFO"
}

variable "table_prefix" {
  description = "TFSYNC_TABLE_PREFIX: prefix of the state table names (the state module's table_prefix)"
  type        = string
  default     = null
}

variable "consumer_concurrency" {
  description = "TFSYNC_CONSUMER_CONCURRENCY: messages handled at once"
  type        = number
  default     = null
}

variable "visibility_timeout" {
  description = "TFSYNC_VISIBILITY_TIMEOUT: seconds a received message stays hidden (extended while work runs)"
  type        = number
  default     = null
}

variable "receive_wait_seconds" {
  description = "TFSYNC_RECEIVE_WAIT_SECONDS: long-poll wait"
  type        = number
  default     = null
}

variable "dedupe_ttl_seconds" {
  description = "TFSYNC_DEDUPE_TTL_SECONDS: how long dedupe records live"
  type        = number
  default     = null
}

variable "shutdown_seconds" {
  description = "TFSYNC_SHUTDOWN_SECONDS: how long in-flight work may run after SIGTERM (keep below stop_timeout)"
  type        = number
  default     = null
}

variable "runner" {
  description = "TFSYNC_RUNNER: codebuild or local; null picks codebuild when codebuild_project_arn is set"
  type        = string
  default     = null
}

variable "adopt_mode" {
  description = "TFSYNC_ADOPT_MODE: pr (push a branch, open a pull request) or apply (push to the base branch, then apply the import; the adopter needs allow_apply)"
  type        = string
  default     = null
}

variable "repository_path" {
  description = "TFSYNC_REPOSITORY_PATH: the git repository on disk the local runner adopts into"
  type        = string
  default     = null
}

variable "base_branch" {
  description = "TFSYNC_BASE_BRANCH: branch adopt jobs start from (the adopter's repository_base_branch)"
  type        = string
  default     = null
}

variable "root_dir" {
  description = "TFSYNC_ROOT_DIR: the root module's folder inside the repository (the adopter's repository_root_dir)"
  type        = string
  default     = null
}

variable "terraform_plugin_dir" {
  description = "TFSYNC_TERRAFORM_PLUGIN_DIR: unpacked providers for the local runner's terraform init -plugin-dir"
  type        = string
  default     = null
}

variable "job_timeout_seconds" {
  description = "TFSYNC_JOB_TIMEOUT_SECONDS: how long the bot follows an adopt job"
  type        = number
  default     = null
}

variable "job_poll_seconds" {
  description = "TFSYNC_JOB_POLL_SECONDS: how long without a build event before the bot asks CodeBuild"
  type        = number
  default     = null
}

variable "slack_channel" {
  description = "TFSYNC_SLACK_CHANNEL: channel id resource threads go to when no routing rule matches"
  type        = string
  default     = null
}

variable "slack_routes" {
  description = "TFSYNC_SLACK_ROUTES: routing rules, first match wins: {channel = ..., and any of account, region, type, tag}"
  type        = list(map(string))
  default     = []
}

variable "slack_admins" {
  description = "TFSYNC_SLACK_ADMINS: Slack user ids allowed to delete"
  type        = list(string)
  default     = []
}

variable "slack_admin_group" {
  description = "TFSYNC_SLACK_ADMIN_GROUP: Slack user group whose members may delete"
  type        = string
  default     = null
}

variable "account_roles" {
  description = "TFSYNC_ACCOUNT_ROLES: account id -> the role tfsync assumes in that account to describe, adopt and delete its resources"
  type        = map(string)
  default     = {}
}

variable "member_role_name" {
  description = "TFSYNC_MEMBER_ROLE_NAME: the role name (org_member's role_name) tfsync assumes in every other account not in account_roles"
  type        = string
  default     = null
}

variable "role_external_id" {
  description = "TFSYNC_ROLE_EXTERNAL_ID: the external id the member roles require (sts:ExternalId)"
  type        = string
  default     = null
}

variable "account_aliases" {
  description = "TFSYNC_ACCOUNT_ALIASES: account id -> the name Slack shows beside the number"
  type        = map(string)
  default     = {}
}

variable "scan_regions" {
  description = "TFSYNC_SCAN_REGIONS: the regions a scan lists regional types in (the bot's own region when empty)"
  type        = list(string)
  default     = []
}

variable "scan_accounts" {
  description = "TFSYNC_SCAN_ACCOUNTS: the accounts a scan covers (when empty: tfsync's own and every account a role or route names)"
  type        = list(string)
  default     = []
}

variable "scan_concurrency" {
  description = "TFSYNC_SCAN_CONCURRENCY: how many listings a scan runs at once (null: the bot's default, 8)"
  type        = number
  default     = null
}

variable "owner_tag" {
  description = "TFSYNC_OWNER_TAG: the tag a scan's digest counts unmanaged resources by (null: the bot's default, owner)"
  type        = string
  default     = null
}

variable "reconcile_seconds" {
  description = "TFSYNC_RECONCILE_SECONDS: how often the bot reconciles by itself (null: never; the detection module's reconcile_schedule asks for it through the queue instead)"
  type        = number
  default     = null
}

variable "account_targets" {
  description = "TFSYNC_ACCOUNT_TARGETS: account id -> where that account's adoptions go (repository, base_branch, root_dir), its Terraform states (read like state_locations) and how the job's Terraform reaches it (terraform_credentials: member-role or adopter)"
  type = map(object({
    repository            = optional(string)
    base_branch           = optional(string)
    root_dir              = optional(string)
    states                = optional(list(string), [])
    terraform_credentials = optional(string)
  }))
  default = {}

  validation {
    condition     = alltrue([for account, target in var.account_targets : can(regex("^[0-9]{12}$", account)) && contains(["member-role", "adopter"], coalesce(target.terraform_credentials, "member-role"))])
    error_message = "account_targets must be keyed by 12-digit account ids, and terraform_credentials must be member-role or adopter."
  }
}

variable "lease_seconds" {
  description = "TFSYNC_LEASE_SECONDS: how long an adopt or delete may go unrenewed before the sweeper ends it as failed"
  type        = number
  default     = null
}

variable "burst_threshold" {
  description = "TFSYNC_BURST_THRESHOLD: new resources in one channel within the window above which a digest is posted"
  type        = number
  default     = null
}

variable "burst_window_seconds" {
  description = "TFSYNC_BURST_WINDOW_SECONDS: the burst window"
  type        = number
  default     = null
}

variable "target_modules" {
  description = "TFSYNC_TARGET_MODULES: module addresses the Adopt form offers (a single dot is the root module)"
  type        = list(string)
  default     = []
}

variable "slack_post_interval_ms" {
  description = "TFSYNC_SLACK_POST_INTERVAL_MS: gap kept between two messages to one channel"
  type        = number
  default     = null
}

variable "slack_mode" {
  description = "TFSYNC_SLACK_MODE: socket (the bot connects to Slack over Socket Mode) or http (Slack sends signed requests to the bot, through the http_api module)"
  type        = string
  default     = "socket"

  validation {
    condition     = contains(["socket", "http"], var.slack_mode)
    error_message = "slack_mode must be socket or http."
  }
}

variable "http_port" {
  description = "TFSYNC_HTTP_PORT: port the bot serves Slack's requests and its health endpoints on in HTTP mode"
  type        = number
  default     = 8080
}

variable "extra_environment" {
  description = "Further environment variables for the bot (settings this module does not name yet)"
  type        = map(string)
  default     = {}
}

################################################################################
# Role, logs, keys
################################################################################

variable "trusted_role_arns" {
  description = "Roles that may assume the bot's role, for running it outside ECS (the Procfile on another platform)"
  type        = list(string)
  default     = []
}

variable "role_permissions_boundary" {
  description = "ARN of a permissions boundary for the bot's roles"
  type        = string
  default     = null
}

variable "kms_key_arn" {
  description = "KMS key for the log group and the Slack secret; null creates one. A key of your own must let logs.<region>.amazonaws.com use it"
  type        = string
  default     = null
}

variable "log_retention_days" {
  description = "Days the bot's log group keeps logs"
  type        = number
  default     = 365
}

variable "secret_recovery_window_in_days" {
  description = "Days a deleted Slack secret can be restored (0 deletes at once)"
  type        = number
  default     = 7
}

################################################################################
# ECS Fargate (optional)
################################################################################

variable "create_ecs_service" {
  description = "Run the bot as an ECS Fargate service"
  type        = bool
  default     = false
}

variable "image" {
  description = "Container image of the bot (runs `python -m bot`, as the Procfile does)"
  type        = string
  default     = null
}

variable "command" {
  description = "Command of the container; null keeps the image's"
  type        = list(string)
  default     = null
}

variable "ecs_cluster_arn" {
  description = "Existing ECS cluster to run in; null creates one"
  type        = string
  default     = null
}

variable "vpc_id" {
  description = "VPC of the service"
  type        = string
  default     = null
}

variable "subnet_ids" {
  description = "Subnets of the service (private subnets with a NAT gateway, or public ones with assign_public_ip)"
  type        = list(string)
  default     = []
}

variable "assign_public_ip" {
  description = "Give the task a public IP (only for public subnets without NAT)"
  type        = bool
  default     = false
}

variable "desired_count" {
  description = "Bot replicas (they share the queue; DynamoDB conditional writes decide races)"
  type        = number
  default     = 1
}

variable "task_cpu" {
  description = "Fargate task CPU units"
  type        = number
  default     = 512
}

variable "task_memory" {
  description = "Fargate task memory (MiB)"
  type        = number
  default     = 1024
}

variable "task_cpu_architecture" {
  description = "X86_64 or ARM64, matching the image"
  type        = string
  default     = "X86_64"
}

variable "stop_timeout" {
  description = "Seconds between SIGTERM and SIGKILL when a task stops (at most 120)"
  type        = number
  default     = 30
}

variable "service_discovery_service_arn" {
  description = "HTTP mode with ECS: the Cloud Map service (SRV records) the service registers its tasks with, which API Gateway sends Slack's requests to (http_api's service_discovery_service_arn)"
  type        = string
  default     = null
}

variable "vpc_link_security_group_id" {
  description = "HTTP mode with ECS: the only security group the tasks admit on http_port (http_api's security_group_id, the VPC link's)"
  type        = string
  default     = null
}

variable "health_check" {
  description = "The container health check (`python -m bot health`, the image's heartbeat check), in seconds; ECS replaces an unhealthy task and, in HTTP mode, Cloud Map stops routing to it"
  type = object({
    interval     = optional(number, 30)
    timeout      = optional(number, 5)
    retries      = optional(number, 3)
    start_period = optional(number, 60)
  })
  default = {}

  validation {
    condition = (
      var.health_check.interval >= 5 && var.health_check.interval <= 300 &&
      var.health_check.timeout >= 2 && var.health_check.timeout <= 60 &&
      var.health_check.retries >= 1 && var.health_check.retries <= 10 &&
      var.health_check.start_period >= 0 && var.health_check.start_period <= 300
    )
    error_message = "health_check: interval 5-300, timeout 2-60, retries 1-10, start_period 0-300 (ECS's limits)."
  }
}
