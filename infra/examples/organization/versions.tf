terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }

  # The same state bucket and lock table as examples/complete, under another key (`make org-init` passes
  # examples/complete/backend.hcl with key = ORG_STATE_KEY).
  backend "s3" {}
}

# tfsync's account: the organization's bus.
provider "aws" {
  region = var.region

  default_tags {
    tags = var.tags
  }
}

# One member account and region: the forwarding rules and the role tfsync assumes there. Add a provider and a
# module block like these for each further account and region.
provider "aws" {
  alias  = "member"
  region = coalesce(var.member_region, var.region)

  assume_role {
    role_arn = var.member_account_role_arn
  }

  default_tags {
    tags = var.tags
  }
}
