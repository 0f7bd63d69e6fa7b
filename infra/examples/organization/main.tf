module "org_bus" {
  source = "../../modules/org_bus"

  name                  = var.name
  organization_id       = var.organization_id
  queue_arn             = var.queue_arn
  dead_letter_queue_arn = var.dead_letter_queue_arn
}

module "member" {
  source = "../../modules/org_member"

  providers = {
    aws = aws.member
  }

  name                    = var.name
  central_bus_arn         = module.org_bus.bus_arn
  tfsync_role_arn         = var.bot_role_arn
  extra_trusted_role_arns = compact([var.adopter_role_arn])
  external_id             = var.external_id
  allow_delete_types      = var.allow_delete_types

  # The Terraform state adopt jobs read and lock as the member role (TFSYNC_ACCOUNT_TARGETS' default
  # terraform_credentials, "member-role"); the state's own policies must allow the role too (outputs.tf).
  terraform_state_bucket_arns  = var.terraform_state_bucket_arns
  terraform_state_object_arns  = var.terraform_state_object_arns
  terraform_lock_table_arns    = var.terraform_lock_table_arns
  terraform_state_kms_key_arns = var.terraform_state_kms_key_arns
  terraform_state_role_arns    = var.terraform_state_role_arns
  allow_apply                  = var.allow_apply
}
