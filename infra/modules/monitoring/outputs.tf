output "topic_arn" {
  description = "ARN of the SNS topic every alarm notifies (subscribe more endpoints to it)"
  value       = aws_sns_topic.alarms.arn
}

output "kms_key_arn" {
  description = "ARN of the KMS key of the alarm topic"
  value       = local.kms_key_arn
}

output "alarm_arns" {
  description = "ARN of every alarm"
  value       = local.alarm_arns
}

output "alarm_names" {
  description = "Name of every alarm"
  value       = local.alarm_names
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard (null without it)"
  value       = try(aws_cloudwatch_dashboard.this[0].dashboard_name, null)
}

output "chatbot_configuration_arn" {
  description = "ARN of the AWS Chatbot Slack channel configuration (null without it)"
  value       = try(aws_chatbot_slack_channel_configuration.this[0].chat_configuration_arn, null)
}
