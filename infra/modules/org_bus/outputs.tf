output "bus_arn" {
  description = "ARN of the organization's event bus (the org_member module's central_bus_arn)"
  value       = local.bus_arn

  # Known when planning; a member account's rules are created once the bus admits the organization's accounts.
  depends_on = [aws_cloudwatch_event_bus_policy.this]
}

output "bus_name" {
  description = "Name of the organization's event bus"
  value       = aws_cloudwatch_event_bus.this.name
}

output "event_rule_arns" {
  description = "ARNs of the rules on the bus that send to the queue: the aws:SourceArn values the queue policy (and the dead-letter queue policy) must admit for events.amazonaws.com sqs:SendMessage"
  value       = [for rule in aws_cloudwatch_event_rule.cloudtrail : rule.arn]
}

output "catalog_create_events" {
  description = "The CloudTrail create events the rules match, by event source"
  value       = local.catalog_create_events
}
