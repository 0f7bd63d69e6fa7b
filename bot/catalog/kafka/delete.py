"""MSK clusters are not deleted from Slack: the topics and their messages live on the brokers' storage, which goes
with the cluster, and MSK keeps no snapshot or backup of it."""

from __future__ import annotations

from bot.catalog._delete import refuse

EXECUTORS = {
    "aws_msk_cluster": refuse(
        "deleting a cluster deletes its topics and every message in them, and MSK keeps no backup; "
        "move or replicate the data first, then delete it in the console or with Terraform"
    ),
}
