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
}

module "detection" {
  source = "../../modules/detection"

  name                          = var.name
  create_trail                  = var.create_trail
  enable_log_file_notifications = var.enable_log_file_notifications
  enable_codebuild_events       = true
  codebuild_project_names       = [module.adopter.project_name]
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
}
