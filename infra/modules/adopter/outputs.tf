output "project_name" {
  description = "Name of the CodeBuild project the bot starts"
  value       = aws_codebuild_project.this.name
}

output "project_arn" {
  description = "ARN of the CodeBuild project"
  value       = aws_codebuild_project.this.arn
}

output "role_arn" {
  description = "ARN of the build's IAM role (one of tfsync's own roles: its calls are not reported)"
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the build's IAM role"
  value       = aws_iam_role.this.name
}

output "artifact_bucket_name" {
  description = "Name of the artifact bucket the bot writes job files to (under jobs/)"
  value       = aws_s3_bucket.artifacts.id
}

output "artifact_bucket_arn" {
  description = "ARN of the artifact bucket"
  value       = aws_s3_bucket.artifacts.arn
}

output "kms_key_arn" {
  description = "ARN of the KMS key of the bucket, secret, logs and build"
  value       = local.kms_key_arn
}

output "repository_token_secret_arn" {
  description = "ARN of the secret the secrets step puts the repository token in"
  value       = aws_secretsmanager_secret.repository_token.arn
}

output "log_group_name" {
  description = "Log group of the builds"
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the log group of the builds"
  value       = aws_cloudwatch_log_group.this.arn
}

output "script_key" {
  description = "Key of the adopt script in the artifact bucket"
  value       = aws_s3_object.adopt_script.key
}

output "buildspec" {
  description = "The rendered buildspec"
  value       = local.buildspec
}
