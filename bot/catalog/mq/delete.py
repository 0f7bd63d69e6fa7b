"""MQ brokers are not deleted from Slack: the messages queued on a broker go with it, and Amazon MQ keeps no
snapshot or backup of them."""

from __future__ import annotations

from bot.catalog._delete import refuse

EXECUTORS = {
    "aws_mq_broker": refuse(
        "deleting a broker deletes every message still queued on it, and Amazon MQ keeps no backup; drain its "
        "queues first, then delete it in the console or with Terraform"
    ),
}
