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

variable "repository_url" {
  description = "HTTPS clone URL of the Terraform repository the adopt build commits to"
  type        = string
}

variable "repository_base_branch" {
  description = "Branch the adopt build starts from and opens pull requests against"
  type        = string
  default     = "main"
}

variable "repository_root_dir" {
  description = "The root module's folder inside the repository (monorepos: envs/prod); . for the repository's root"
  type        = string
  default     = "."
}

variable "pr_provider" {
  description = "TFSYNC_PR_PROVIDER: github (github.com, GitHub Enterprise Server) or gitlab, whose API opens the pull (merge) request; null lets the script infer it from pr_api_url or the repository's host"
  type        = string
  default     = null
}

variable "pr_api_url" {
  description = "TFSYNC_PR_API_URL: base URL of that API (https://ghe.example.com/api/v3, https://gitlab.example.com/api/v4); null: https://api.github.com for github.com, else /api/v3 or /api/v4 of the repository's host; \"none\": push the branch, open nothing"
  type        = string
  default     = null
}

variable "adopt_script" {
  description = "Contents of the adopt script the build runs (the file infra/adopter/adopt.sh); uploaded to the artifact bucket and checked by hash before each run"
  type        = string
}

variable "terraform_version" {
  description = "Terraform version the build installs (unless the build image already has it)"
  type        = string
  default     = "1.11.4"
}

variable "terraform_sha256" {
  description = "SHA-256 of terraform_<version>_linux_amd64.zip, from HashiCorp's terraform_<version>_SHA256SUMS"
  type        = string
}

variable "build_image" {
  description = "CodeBuild image of the build (needs bash, git, curl, unzip, jq and the AWS CLI; the standard images have them)"
  type        = string
  default     = "aws/codebuild/amazonlinux-x86_64-standard:5.0"
}

variable "compute_type" {
  description = "CodeBuild compute type"
  type        = string
  default     = "BUILD_GENERAL1_SMALL"
}

variable "build_timeout" {
  description = "Minutes a build may run"
  type        = number
  default     = 30
}

variable "queued_timeout" {
  description = "Minutes a build may wait in the queue"
  type        = number
  default     = 60
}

variable "concurrent_build_limit" {
  description = "Builds that may run at once (they share the state lock, so more mostly wait)"
  type        = number
  default     = 2
}

variable "terraform_state_bucket_arns" {
  description = "ARNs of the buckets holding the Terraform states the build plans against (s3:ListBucket)"
  type        = list(string)
  default     = []
}

variable "terraform_state_object_arns" {
  description = "ARNs of the state objects the build reads (and, with allow_apply, writes); their .tflock objects are lockable"
  type        = list(string)
  default     = []
}

variable "terraform_lock_table_arns" {
  description = "ARNs of the DynamoDB lock tables of those states (backends with dynamodb_table)"
  type        = list(string)
  default     = []
}

variable "terraform_state_kms_key_arns" {
  description = "ARNs of the KMS keys the states are encrypted with"
  type        = list(string)
  default     = []
}

variable "read_policy_arns" {
  description = "Managed policies attached to the build's role so that terraform plan can refresh every resource of the team's state, whatever its service; null attaches arn:<partition>:iam::aws:policy/ReadOnlyAccess, [] none (the role then reads only the catalog's services). The data reads they grant stay denied but on terraform_data_arns"
  type        = list(string)
  default     = null
}

variable "terraform_data_arns" {
  description = "ARNs (IAM wildcards allowed) of the data the team's Terraform manages and its plan reads: objects (aws_s3_object), secrets (aws_secretsmanager_secret_version), DynamoDB tables (aws_dynamodb_table_item) and the KMS keys of SecureString parameters or of those secrets. The build may read exactly these; the data-read denies spare nothing else"
  type        = list(string)
  default     = []
}

variable "account_roles" {
  description = "Account id -> the role an adopt job assumes there for a resource in that account (the bot's TFSYNC_ACCOUNT_ROLES)"
  type        = map(string)
  default     = {}
}

variable "member_role_name" {
  description = "The role name an adopt job assumes in any other account (the bot's TFSYNC_MEMBER_ROLE_NAME)"
  type        = string
  default     = null
}

variable "allow_apply" {
  description = "Let the build write the state (the apply-and-push mode); false keeps it to plans and pull requests"
  type        = bool
  default     = false
}

variable "kms_key_arn" {
  description = "KMS key for the bucket, secret, logs and build; null creates one. A key of your own must let logs.<region>.amazonaws.com use it"
  type        = string
  default     = null
}

variable "artifact_bucket_name" {
  description = "Name of the artifact bucket; defaults to <name>-artifacts-<account id>"
  type        = string
  default     = null
}

variable "artifact_bucket_force_destroy" {
  description = "Let terraform destroy delete the artifact bucket with its objects"
  type        = bool
  default     = false
}

variable "job_retention_days" {
  description = "Days the artifact bucket keeps a job's files"
  type        = number
  default     = 30
}

variable "access_log_bucket_name" {
  description = "Bucket receiving S3 access logs of the artifact bucket; null turns access logging off"
  type        = string
  default     = null
}

variable "log_retention_days" {
  description = "Days the build log group keeps logs"
  type        = number
  default     = 365
}

variable "secret_recovery_window_in_days" {
  description = "Days a deleted repository token secret can be restored (0 deletes at once)"
  type        = number
  default     = 7
}

variable "role_permissions_boundary" {
  description = "ARN of a permissions boundary for the build's role"
  type        = string
  default     = null
}
