"""Terraform that deploys tfsync, and the generator that keeps it in step with the code."""
