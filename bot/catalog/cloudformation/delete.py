"""CloudFormation stacks are not deleted from Slack: deleting one deletes every resource it made."""

from __future__ import annotations

from bot.catalog._delete import refuse

EXECUTORS = {
    "aws_cloudformation_stack": refuse(
        "deleting a stack deletes every resource the stack made (databases, buckets, instances...) with the data "
        "they hold; delete it in the CloudFormation console, where its resources are listed first"
    ),
}
