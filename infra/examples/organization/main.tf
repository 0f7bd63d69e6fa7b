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

  name               = var.name
  central_bus_arn    = module.org_bus.bus_arn
  tfsync_role_arn    = var.bot_role_arn
  external_id        = var.external_id
  allow_delete_types = var.allow_delete_types
}
