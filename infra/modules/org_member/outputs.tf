output "role_arn" {
  description = "ARN of the role tfsync assumes in this account (add it to bot_runtime's own_role_arns so its deletions are not reported as made by hand); null when create_member_role is false"
  value       = try(aws_iam_role.member[0].arn, null)
}

output "role_name" {
  description = "Name of the role tfsync assumes in this account: set TFSYNC_MEMBER_ROLE_NAME to it"
  value       = var.member_role_name
}

output "event_rule_arns" {
  description = "ARNs of the rules on this account's default bus that forward the catalog's create events to the organization's bus"
  value       = [for rule in aws_cloudwatch_event_rule.forward : rule.arn]
}

output "forwarding_role_arn" {
  description = "ARN of the role EventBridge uses to put the forwarded events on the organization's bus (null without forwarding)"
  value       = try(aws_iam_role.forward[0].arn, null)
}
