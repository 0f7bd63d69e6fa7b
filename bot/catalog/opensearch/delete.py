"""OpenSearch domains are not deleted from Slack: a domain's indexes go with it, and so do its automated snapshots
(a manual snapshot needs a repository registered through the domain's own REST API, outside the AWS API)."""

from __future__ import annotations

from bot.catalog._delete import refuse

EXECUTORS = {
    "aws_opensearch_domain": refuse(
        "deleting a domain deletes its indexes and its automated snapshots, and AWS takes no final snapshot; "
        "take a manual snapshot to a registered repository first, then delete it in the console or with Terraform"
    ),
}
