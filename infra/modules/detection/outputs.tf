output "queue_url" {
  description = "URL of the queue the bot consumes (TFSYNC_QUEUE_URL)"
  value       = aws_sqs_queue.this.id
}

output "queue_arn" {
  description = "ARN of the queue the bot consumes"
  value       = aws_sqs_queue.this.arn
}

output "dlq_url" {
  description = "URL of the dead-letter queue"
  value       = aws_sqs_queue.dlq.id
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue"
  value       = aws_sqs_queue.dlq.arn
}

output "event_rule_arns" {
  description = "ARNs of the EventBridge rules that feed the queue"
  value       = local.rule_arns
}

output "catalog_create_events" {
  description = "The CloudTrail create events the rules match, by event source"
  value       = local.catalog_create_events
}

output "trail_arn" {
  description = "ARN of the created trail (null when an existing trail is used)"
  value       = try(aws_cloudtrail.this[0].arn, null)
}

output "trail_bucket_arn" {
  description = "ARN of the created trail's bucket, which the bot reads log files from (null when none was created)"
  value       = try(aws_s3_bucket.trail[0].arn, null)
}

output "kms_key_arn" {
  description = "ARN of the KMS key of the trail's log files and the log-file topic (null when neither exists)"
  value       = local.create_kms_key || var.kms_key_arn != null ? local.kms_key_arn : null
}

output "log_file_topic_arn" {
  description = "ARN of the log-file notification topic the queue is subscribed to (null when the log-file path is off)"
  value       = local.subscribe_log_files ? local.log_file_topic_arn : null
}
