"""Liveness for the container's health check: a heartbeat file the running bot rewrites, and the check that reads it.

The bot writes the file from its event loop every few seconds, with what it knows of its own state (the Slack
connection, the queue consumer). `python -m bot health`, the image's HEALTHCHECK and the ECS task's health check,
reads it: no file (the bot never started), a file older than a minute (the event loop is stuck: nothing else could
keep the file fresh) or a heartbeat that reports a problem (Slack disconnected for too long) is unhealthy, and the
orchestrator replaces the task. The check makes no network call and reads no secret, so it stays cheap and safe to
run every few seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import logging
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

BEAT_SECONDS = 10.0
STALE_SECONDS = 60.0
# One per container: the bot and the health check run in the same one, as the same user.
DEFAULT_PATH = Path(tempfile.gettempdir()) / "tfsync-heartbeat.json"


@dataclass(frozen=True, slots=True)
class Vitals:
    """What the running bot says of itself at a beat: a problem (None when healthy) and a few facts to show."""

    problem: str | None = None
    facts: tuple[tuple[str, str], ...] = ()


def write(path: Path, vitals: Vitals, now: float | None = None) -> None:
    """Replace the heartbeat file in one step (a reader never sees half of it)."""
    document = {"at": time.time() if now is None else now, "pid": os.getpid(), "problem": vitals.problem,
                "facts": dict(vitals.facts)}
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(json.dumps(document), encoding="utf-8")
    os.replace(partial, path)


async def beat(stop: asyncio.Event, vitals: Callable[[], Vitals | Awaitable[Vitals]] = Vitals, *,
               path: Path = DEFAULT_PATH, every: float = BEAT_SECONDS) -> None:
    """Rewrite the heartbeat every `every` seconds until `stop` is set, then remove it (a stopped bot is not alive).
    A failing write is logged and retried at the next beat: the health check then says the file went stale."""
    try:
        while not stop.is_set():
            try:
                now = vitals()
                await asyncio.to_thread(write, path, await now if inspect.isawaitable(now) else now)
            except Exception as exc:
                logger.warning("the heartbeat %s could not be written: %s", path, exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)
    finally:
        with contextlib.suppress(OSError):
            os.remove(path)  # a quick local call, and the task may be cancelled here: no thread


def check(path: Path = DEFAULT_PATH, *, now: float | None = None, stale: float = STALE_SECONDS) -> tuple[bool, str]:
    """(healthy, why) from the heartbeat file alone."""
    try:
        document: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False, f"no heartbeat at {path}: tfsync is not running (or has not started yet)"
    except (OSError, ValueError) as exc:
        return False, f"the heartbeat at {path} cannot be read: {exc}"
    at = document.get("at") if isinstance(document, dict) else None
    if not isinstance(at, int | float) or isinstance(at, bool):
        return False, f"the heartbeat at {path} has no time"
    age = (time.time() if now is None else now) - at
    if age > stale:
        return False, f"the last heartbeat is {age:.0f} s old (more than {stale:.0f} s): the bot is stuck"
    problem = document.get("problem")
    if isinstance(problem, str) and problem:
        return False, problem
    facts = document.get("facts") if isinstance(document.get("facts"), dict) else {}
    shown = ", ".join(f"{key} {value}" for key, value in sorted(facts.items()))
    return True, f"beat {max(age, 0.0):.0f} s ago" + (f"; {shown}" if shown else "")
