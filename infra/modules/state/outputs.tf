output "table_names" {
  description = "Name of each table, keyed by table (the name without the prefix)"
  value       = { for key, table in aws_dynamodb_table.this : key => table.name }
}

output "table_arns" {
  description = "ARN of each table, keyed by table (the name without the prefix)"
  value       = { for key, table in aws_dynamodb_table.this : key => table.arn }
}

output "iam_resource_arns" {
  description = "Every table and index ARN, for IAM policies"
  value = flatten([
    for table in aws_dynamodb_table.this : [table.arn, "${table.arn}/index/*"]
  ])
}

output "table_prefix" {
  description = "The prefix of every table name, for the bot's TFSYNC_TABLE_PREFIX"
  value       = var.table_prefix
}
