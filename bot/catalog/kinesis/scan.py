"""Amazon Kinesis Data Streams: every stream of the region, with its capacity mode and open shard count."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from bot.catalog._scan import described
from bot.catalog.base import Listed, Lister, ScanScope, dig, text
from bot.catalog.kinesis import _console

# Being deleted: not there to adopt.
_GOING = "DELETING"


def _facts(summary: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    status = text(summary.get("StreamStatus"))
    facts = [
        ("mode", text(dig(summary, "StreamModeDetails", "StreamMode"))),
        ("shards", str(summary["OpenShardCount"]) if isinstance(summary.get("OpenShardCount"), int) else ""),
        ("retention", f"{summary['RetentionPeriodHours']} h" if summary.get("RetentionPeriodHours") else ""),
        ("state", status if status != "ACTIVE" else ""),
    ]
    return tuple((label, value) for label, value in facts if value)


def _streams(scope: ScanScope) -> Iterator[Listed]:
    kinesis = scope.clients("kinesis")
    for page in kinesis.get_paginator("list_streams").paginate():
        statuses = {text(s.get("StreamName")): text(s.get("StreamStatus")) for s in page.get("StreamSummaries", [])}
        for name in page.get("StreamNames", []):
            if statuses.get(name) == _GOING:
                continue
            # The open shard count is only in the stream's summary, one stream a call.
            summary = described(kinesis.describe_stream_summary, "StreamDescriptionSummary", StreamName=name)
            if summary is None or text(summary.get("StreamStatus")) == _GOING:
                continue
            yield Listed(
                import_id=name,
                name=name,
                arn=text(summary.get("StreamARN")) or scope.arn("kinesis", f"stream/{name}"),
                console_url=_console(scope.region, name),
                facts=_facts(summary),
            )


LISTERS = {
    "aws_kinesis_stream": Lister(("kinesis:ListStreams", "kinesis:DescribeStreamSummary"), _streams),
}
