"""The ignore rules' generation: one counter that every rule write moves, so replicas see a change at once.

Each replica classifies with the ignore rules it read last. Reading the whole rules table for every message would
cost a scan per event; reading it every minute let a rule made in Slack miss the next detections on every other
replica. Instead every write of a rule (made or removed) also adds one to this counter, one item in the dedupe
table under a key no marker uses, and a replica reads it (one strongly consistent GetItem) before it classifies a
message a rule may decide, and reads the rules again only when it moved. The item has no expiry, so DynamoDB's TTL
never removes it; a counter that was never bumped reads as 0.

The bump follows the rule's own write rather than joining its transaction: two transactions that both touch the
counter would cancel each other (TransactionConflict), and a person's Ignore would lose a race it did not run. A
bump lost to a crash between the two writes is made good by the replicas' periodic full refresh.
"""

from __future__ import annotations

import asyncio

from pynamodb.constants import ALL_NEW
from pynamodb.exceptions import DoesNotExist

from bot.state.tables import DedupeModel

# Not "event:", "message:" nor "malformed:": no dedupe marker can take this key.
KEY = "rules-generation"


def bump_sync() -> int:
    """Add one to the generation; returns the new value. For code that already runs on a worker thread."""
    data = DedupeModel._get_connection().update_item(
        KEY, actions=[DedupeModel.generation.add(1)], return_values=ALL_NEW
    )
    return int(data["Attributes"]["generation"]["N"])


async def bump() -> int:
    """Add one to the generation; returns the new value."""
    return await asyncio.to_thread(bump_sync)


def current_sync() -> int:
    """The generation now (strongly consistent); 0 when no rule was ever written."""
    try:
        item = DedupeModel.get(KEY, consistent_read=True, attributes_to_get=["generation"])
    except DoesNotExist:
        return 0
    return int(item.generation or 0)


async def current() -> int:
    """The generation now (strongly consistent); 0 when no rule was ever written."""
    return await asyncio.to_thread(current_sync)
