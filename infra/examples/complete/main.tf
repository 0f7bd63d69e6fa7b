locals {
  # The adopt build and the bot act on resources too; their calls must never be reported as made by hand.
  own_role_arns = [module.adopter.role_arn]
}

module "state" {
  source = "../../modules/state"

  table_prefix                = "${var.name}-"
  deletion_protection_enabled = var.deletion_protection_enabled
}

module "adopter" {
  source = "../../modules/adopter"

  name                          = var.name
  repository_url                = var.repository_url
  repository_base_branch        = var.repository_base_branch
  repository_root_dir           = var.repository_root_dir
  adopt_script                  = file(var.adopt_script_path)
  terraform_version             = var.terraform_version
  terraform_sha256              = var.terraform_sha256
  terraform_state_bucket_arns   = var.terraform_state_bucket_arns
  terraform_state_object_arns   = var.terraform_state_object_arns
  terraform_lock_table_arns     = var.terraform_lock_table_arns
  terraform_state_kms_key_arns  = var.terraform_state_kms_key_arns
  allow_apply                   = var.adopt_mode == "apply"
  artifact_bucket_force_destroy = var.force_destroy
  read_policy_arns              = var.adopter_read_policy_arns
  terraform_data_arns           = var.terraform_data_arns
  pr_provider                   = var.pr_provider
  pr_api_url                    = var.pr_api_url
}

module "detection" {
  source = "../../modules/detection"

  name                          = var.name
  create_trail                  = var.create_trail
  enable_log_file_notifications = var.enable_log_file_notifications
  enable_codebuild_events       = true
  codebuild_project_names       = [module.adopter.project_name]
  reconcile_schedule            = var.reconcile_schedule
  visibility_timeout_seconds    = var.visibility_timeout
  trail_bucket_force_destroy    = var.force_destroy
}

module "bot_runtime" {
  source = "../../modules/bot_runtime"

  name                    = var.name
  queue_url               = module.detection.queue_url
  queue_arn               = module.detection.queue_arn
  table_arns              = module.state.iam_resource_arns
  table_prefix            = module.state.table_prefix
  artifact_bucket_arn     = module.adopter.artifact_bucket_arn
  artifact_kms_key_arn    = module.adopter.kms_key_arn
  codebuild_project_arn   = module.adopter.project_arn
  codebuild_log_group_arn = module.adopter.log_group_arn
  cloudtrail_bucket_arn   = module.detection.trail_bucket_arn
  cloudtrail_kms_key_arn  = module.detection.kms_key_arn
  state_locations         = var.state_locations
  state_kms_key_arns      = var.terraform_state_kms_key_arns
  own_role_arns           = local.own_role_arns
  adopt_mode              = var.adopt_mode
  base_branch             = var.repository_base_branch
  root_dir                = var.repository_root_dir
  slack_channel           = var.slack_channel
  slack_routes            = var.slack_routes
  slack_admins            = var.slack_admins
  slack_admin_group       = var.slack_admin_group
  target_modules          = var.target_modules
  visibility_timeout      = var.visibility_timeout
  delete_types            = var.delete_types
  extra_delete_actions    = var.extra_delete_actions

  create_ecs_service = var.create_ecs_service
  image              = var.image
  vpc_id             = var.vpc_id
  subnet_ids         = var.subnet_ids
  desired_count      = var.desired_count

  # HTTP mode: Slack's requests through API Gateway (module.http_api) to the service's tasks.
  slack_mode                    = var.slack_mode
  service_discovery_service_arn = try(module.http_api[0].service_discovery_service_arn, null)
  vpc_link_security_group_id    = try(module.http_api[0].security_group_id, null)
}

# Slack over HTTP: an HTTP API with POST /slack/events, through a VPC link to the service's tasks (Cloud Map).
module "http_api" {
  source = "../../modules/http_api"
  count  = var.slack_mode == "http" ? 1 : 0

  name                      = var.name
  vpc_id                    = var.vpc_id
  subnet_ids                = var.subnet_ids
  service_security_group_id = module.bot_runtime.http_security_group_id
  service_port              = module.bot_runtime.http_port
}

# Alarms (the queues, the bot's own metrics, the adopt builds, the detection rules, the bot's tasks) to one topic,
# optionally posted to Slack by AWS Chatbot, and a dashboard of the same metrics.
module "monitoring" {
  source = "../../modules/monitoring"

  name                   = var.name
  queue_name             = regex("[^:]+$", module.detection.queue_arn)
  dead_letter_queue_name = regex("[^:]+$", module.detection.dlq_arn)
  codebuild_project_name = module.adopter.project_name
  event_rule_names       = [for arn in module.detection.event_rule_arns : regex("[^/]+$", arn)]
  ecs_service = var.create_ecs_service ? {
    cluster_name = regex("[^/]+$", module.bot_runtime.ecs_cluster_arn)
    service_name = module.bot_runtime.ecs_service_name
  } : null
  slack_workspace_id    = var.alarm_slack_workspace_id
  slack_channel_id      = var.alarm_slack_channel_id
  alarm_email_addresses = var.alarm_email_addresses
}
