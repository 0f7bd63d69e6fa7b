output "role_arn" {
  description = "ARN of the bot's IAM role"
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the bot's IAM role"
  value       = aws_iam_role.this.name
}

output "environment" {
  description = "The bot's environment (without secrets): set the same variables where the Procfile runs it"
  value       = local.environment
}

output "slack_secret_arn" {
  description = "ARN of the secret the secrets step puts SLACK_BOT_TOKEN and SLACK_APP_TOKEN in (JSON keys)"
  value       = aws_secretsmanager_secret.slack.arn
}

output "log_group_name" {
  description = "The bot's log group"
  value       = aws_cloudwatch_log_group.this.name
}

output "kms_key_arn" {
  description = "ARN of the KMS key of the log group and the Slack secret"
  value       = local.kms_key_arn
}

output "delete_actions" {
  description = "The delete actions the role allows"
  value       = local.delete_actions
}

output "ecs_cluster_arn" {
  description = "Cluster the service runs in (null without the ECS service)"
  value       = var.create_ecs_service ? coalesce(var.ecs_cluster_arn, try(aws_ecs_cluster.this[0].arn, null)) : null
}

output "ecs_service_name" {
  description = "Name of the ECS service (null without it)"
  value       = try(aws_ecs_service.this[0].name, null)
}

output "security_group_id" {
  description = "Security group of the service (null without it)"
  value       = try(aws_security_group.this[0].id, null)
}

output "http_security_group_id" {
  description = "HTTP mode with ECS: the tasks' security group that admits the VPC link on http_port (http_api's service_security_group_id); null otherwise"
  value       = try(aws_security_group.http[0].id, null)
}

output "http_port" {
  description = "HTTP mode: the port the bot serves Slack's requests on (http_api's service_port); null in socket mode"
  value       = var.slack_mode == "http" ? var.http_port : null
}
