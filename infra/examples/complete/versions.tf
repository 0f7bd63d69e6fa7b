terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }

  # tfsync's own state: S3 with DynamoDB locking. Values come from backend.hcl (written by `make backend` from
  # the bootstrap outputs; see backend.hcl.example), so nothing account-specific is committed here.
  backend "s3" {}
}

provider "aws" {
  region = var.region

  default_tags {
    tags = var.tags
  }
}
