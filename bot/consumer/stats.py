"""What a consumer has done so far: the figures its log line on stopping, the benchmark and the tests read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ConsumerStats:
    received: int = 0
    deleted: int = 0
    duplicates: int = 0
    malformed: int = 0
    failed: int = 0
    released: int = 0
    events_skipped: int = 0
    records_created: int = 0
    records_updated: int = 0
    notified: int = 0
    service_events: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(vars(self))
