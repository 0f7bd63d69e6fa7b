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

output "member_role_arns" {
  description = "The roles adopt jobs run Terraform as in the member accounts, which the state's policies below admit"
  value       = local.member_role_arns
}

output "state_bucket_policy_json" {
  description = "State bucket name -> the statements its bucket policy needs for the member roles to list the bucket, read (and with allow_apply write) the states and lock their .tflock objects; merge them into the bucket's policy"
  value       = { for bucket, document in data.aws_iam_policy_document.state_bucket : bucket => document.json }
}

output "state_lock_table_policy_json" {
  description = "Lock table ARN -> the resource-based policy (aws_dynamodb_resource_policy) the member roles need to lock the states in it"
  value       = { for table, document in data.aws_iam_policy_document.state_lock_table : table => document.json }
}

output "state_kms_key_policy_json" {
  description = "The statement each state key's key policy needs for the member roles to use the key; merge it into the key policies (null without terraform_state_kms_key_arns)"
  value       = try(data.aws_iam_policy_document.state_kms_key[0].json, null)
}
