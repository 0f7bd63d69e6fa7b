"""Stand-ins for the outside world (Slack, AWS) so tfsync runs and is tested with no credentials."""
