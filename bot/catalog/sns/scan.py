"""Amazon SNS: every topic of the region."""

from __future__ import annotations

from collections.abc import Iterator

from bot.catalog._scan import paged
from bot.catalog.base import Listed, Lister, ScanScope
from bot.catalog.sns import _topic_console


def _topics(scope: ScanScope) -> Iterator[Listed]:
    # ListTopics answers with ARNs alone; a topic's attributes would take a call per topic, so no facts.
    for topic in paged(scope.clients("sns"), "list_topics", "Topics"):
        arn = topic["TopicArn"]
        yield Listed(
            import_id=arn,
            name=arn.rsplit(":", 1)[-1],
            arn=arn,
            console_url=_topic_console(scope.region, arn),
        )


LISTERS = {
    "aws_sns_topic": Lister(("sns:ListTopics",), _topics),
}
