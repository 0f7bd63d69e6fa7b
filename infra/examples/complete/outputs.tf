output "queue_url" {
  description = "Queue the bot consumes"
  value       = module.detection.queue_url
}

output "bot_role_arn" {
  description = "The bot's IAM role"
  value       = module.bot_runtime.role_arn
}

output "bot_environment" {
  description = "The bot's environment, for running the Procfile elsewhere"
  value       = module.bot_runtime.environment
}

output "slack_secret_arn" {
  description = "Secret for SLACK_BOT_TOKEN and SLACK_APP_TOKEN (put by the secrets step)"
  value       = module.bot_runtime.slack_secret_arn
}

output "repository_token_secret_arn" {
  description = "Secret for the repository token (put by the secrets step)"
  value       = module.adopter.repository_token_secret_arn
}

output "codebuild_project_name" {
  description = "The adopt CodeBuild project"
  value       = module.adopter.project_name
}

output "artifact_bucket_name" {
  description = "Bucket the bot writes job files to"
  value       = module.adopter.artifact_bucket_name
}

output "table_names" {
  description = "State tables"
  value       = module.state.table_names
}

output "ecs_cluster_arn" {
  description = "Cluster of the bot's ECS service (null without it)"
  value       = module.bot_runtime.ecs_cluster_arn
}

output "ecs_service_name" {
  description = "The bot's ECS service (null without it)"
  value       = module.bot_runtime.ecs_service_name
}

output "region" {
  description = "Region tfsync is deployed in"
  value       = var.region
}

output "slack_request_url" {
  description = "HTTP mode: the Request URL for the Slack app manifest (events, interactivity, slash commands); null in socket mode"
  value       = try(module.http_api[0].request_url, null)
}

output "alarm_topic_arn" {
  description = "SNS topic every tfsync alarm notifies"
  value       = module.monitoring.topic_arn
}

output "dashboard_name" {
  description = "CloudWatch dashboard of tfsync's metrics"
  value       = module.monitoring.dashboard_name
}
