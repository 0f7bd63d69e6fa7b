"""Amazon SQS: every queue of the region, by the URL SQS gives it (the import ID)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from bot.catalog._scan import paged
from bot.catalog.base import Listed, Lister, ScanScope
from bot.catalog.sqs import _queue_console


def _queues(scope: ScanScope) -> Iterator[Listed]:
    # ListQueues answers with URLs alone; a queue's attributes would take a call per queue, so no facts.
    for url in paged(scope.clients("sqs"), "list_queues", "QueueUrls"):
        # https://sqs.<region>.amazonaws.com/<account>/<name>
        path = [part for part in urlsplit(url).path.split("/") if part]
        if not path:
            continue
        name = path[-1]
        account = path[0] if len(path) == 2 else scope.account_id
        yield Listed(
            import_id=url,
            name=name,
            arn=f"arn:{scope.partition}:sqs:{scope.region}:{account}:{name}",
            console_url=_queue_console(scope.region, url),
        )


LISTERS = {
    "aws_sqs_queue": Lister(("sqs:ListQueues",), _queues),
}
