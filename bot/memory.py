"""Keeping the process small and its memory bounded: the garbage collector, and the budget of log-file records.

Three tools, each for one way memory or CPU ran away:

- `settle()`: once start-up is done (modules imported, models and clients built), move everything alive into the
  collector's permanent generation (gc.freeze), so later collections stop walking millions of objects that live
  as long as the process and copy-on-write pages of a forked worker stay shared;
- `gc_paused()`: parsing a large log file makes hundreds of thousands of short-lived containers, each allocation
  counting towards a cyclic collection that finds nothing (JSON has no cycles): the parse pauses the collector,
  and the last of several parses running at once turns it back on;
- `MemoryBudget`: the records a log file holds that change state (detections, deletions, errors) stay in memory
  until they are stored; every log file being handled draws their estimated size from one budget per process, so
  `consumer_concurrency` log files at once cannot hold more than it, whatever their content.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

MIB = 1024 * 1024
# What the records kept from log files may take at once in a process, estimated (see `record_cost`). The deployed
# task has 1 GiB; an idle bot holds about 120 MiB and the ten log files being read at once some 30 MiB each at
# worst (bot.logfiles), which leaves this with room to spare.
DEFAULT_BUDGET_BYTES = 128 * MIB
# Measured: a parsed record of the CloudTrail corpus (tests/data) with its CloudTrailRecord takes about five times
# its compact JSON text, and a small one (some 250 characters) about 4 KiB; the estimate is above both.
_BYTES_PER_CHARACTER = 8
_BYTES_PER_RECORD = 3072

_gc_lock = threading.Lock()
_gc_holders = 0
_gc_was_enabled = False


def settle() -> None:
    """Collect once, then freeze what is alive: call once start-up has built everything long-lived."""
    gc.collect()
    gc.freeze()


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic collector off while the block runs; on again when the last block holding it ends.

    Holders are counted across threads, so one parse ending does not turn the collector back on under another.
    A collector that was off before the first holder (a caller's own choice) stays off.
    """
    global _gc_holders, _gc_was_enabled
    with _gc_lock:
        if _gc_holders == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_holders += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_holders -= 1
            if _gc_holders == 0 and _gc_was_enabled:
                gc.enable()


def record_cost(text_length: int) -> int:
    """The memory a parsed record of `text_length` characters of JSON is estimated to hold."""
    return text_length * _BYTES_PER_CHARACTER + _BYTES_PER_RECORD


class MemoryBudget:
    """Bytes that work in flight may hold at once, drawn by reservations and given back when the work is done."""

    def __init__(self, total: int = DEFAULT_BUDGET_BYTES) -> None:
        self.total = total
        self._used = 0
        self._lock = threading.Lock()

    @property
    def used(self) -> int:
        return self._used

    def reservation(self) -> Reservation:
        return Reservation(self)

    def _take(self, amount: int) -> bool:
        with self._lock:
            if self._used + amount > self.total:
                return False
            self._used += amount
            return True

    def _give_back(self, amount: int) -> None:
        with self._lock:
            self._used -= amount


class Reservation:
    """What one piece of work (a queue message) holds of a budget; `release()` gives it all back."""

    def __init__(self, budget: MemoryBudget) -> None:
        self.budget = budget
        self.held = 0

    def take(self, amount: int) -> bool:
        """Hold `amount` more bytes; False, holding nothing more, when the budget has not that much left."""
        if not self.budget._take(amount):
            return False
        self.held += amount
        return True

    def give_back(self, amount: int) -> None:
        """Return part of what is held (never more than that)."""
        amount = min(amount, self.held)
        self.held -= amount
        self.budget._give_back(amount)

    def release(self) -> None:
        held, self.held = self.held, 0
        self.budget._give_back(held)

    def __enter__(self) -> Reservation:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


# The budget the consumer's log files draw on: one per process.
LOG_FILE_BUDGET = MemoryBudget()
