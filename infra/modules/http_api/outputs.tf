output "request_url" {
  description = "Where Slack sends its requests: the Request URL of events, interactivity and slash commands in the Slack app manifest (HTTP mode)"
  value       = "${local.base_url}${local.events_path}"
}

output "api_id" {
  description = "ID of the HTTP API"
  value       = aws_apigatewayv2_api.this.id
}

output "api_endpoint" {
  description = "The API's default execute-api address"
  value       = aws_apigatewayv2_api.this.api_endpoint
}

output "security_group_id" {
  description = "The VPC link's security group: the one the bot's service admits on its port (bot_runtime's vpc_link_security_group_id)"
  value       = aws_security_group.vpc_link.id
}

output "vpc_link_id" {
  description = "ID of the VPC link"
  value       = aws_apigatewayv2_vpc_link.this.id
}

output "service_discovery_service_arn" {
  description = "ARN of the Cloud Map service the bot's ECS service registers its tasks with (bot_runtime's service_discovery_service_arn)"
  value       = aws_service_discovery_service.this.arn
}

output "namespace_name" {
  description = "Name of the Cloud Map private DNS namespace"
  value       = aws_service_discovery_private_dns_namespace.this.name
}

output "log_group_name" {
  description = "The access log group"
  value       = aws_cloudwatch_log_group.access.name
}

output "domain_name_target" {
  description = "With domain_name: the regional domain name to point the custom domain at (a Route 53 alias or a CNAME); null without it"
  value       = try(aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].target_domain_name, null)
}

output "domain_name_hosted_zone_id" {
  description = "With domain_name: the hosted zone id of domain_name_target, for a Route 53 alias record; null without it"
  value       = try(aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].hosted_zone_id, null)
}
