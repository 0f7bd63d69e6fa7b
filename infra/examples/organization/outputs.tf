output "bus_arn" {
  description = "The organization's event bus"
  value       = module.org_bus.bus_arn
}

output "bus_event_rule_arns" {
  description = "Rules on the bus: the queue's (and dead-letter queue's) policy must admit them as aws:SourceArn of events.amazonaws.com"
  value       = module.org_bus.event_rule_arns
}

output "member_role_arn" {
  description = "The role tfsync assumes in the member account (add it to bot_runtime's own_role_arns)"
  value       = module.member.role_arn
}

output "member_role_name" {
  description = "TFSYNC_MEMBER_ROLE_NAME"
  value       = module.member.role_name
}

output "member_event_rule_arns" {
  description = "The member account's forwarding rules"
  value       = module.member.event_rule_arns
}
