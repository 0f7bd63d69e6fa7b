"""tfsync: notices AWS resources created outside Terraform and closes the loop in Slack."""
