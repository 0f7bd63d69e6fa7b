"""The sweeper: no record stays adopting or deleting after the process working on it died.

Adopt and delete work runs inside one process, under a lease it renews (bot.decisions). A restart, a redeploy or a
kill -9 leaves the lease to run out; every replica runs this loop, and one pass (`DecisionService.sweep`) follows an
adoption's CodeBuild build to its end or ends the work as failed so Retry is offered. Passes on several replicas
are safe: each change is a conditional write on the expired lease, so exactly one wins.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.decisions import DecisionService

logger = logging.getLogger(__name__)


async def run_sweeper(decisions: DecisionService, stop: asyncio.Event, period: float) -> None:
    """Sweep at once (work left by the process this one replaced), then every `period` seconds until `stop` is set;
    a pass that fails is logged, and the next one runs."""
    while not stop.is_set():
        try:
            swept = await decisions.sweep()
        except Exception:
            logger.exception("the sweep failed; the next one runs in %s s", period)
        else:
            for record in swept:
                logger.info("swept %s: now %s, lease %s", record.resource_id, record.status,
                            record.lease_owner or "released")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), period)
