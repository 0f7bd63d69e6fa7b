"""Fault injection for the emulated Web API: the answers Slack's edge gives on a bad day, on demand.

Tests switch them on to show that the app survives them: HTTP 429 with Retry-After (rate limited), 500/502/503/504
(Slack or its gateway failing) for given methods or every method, for the next N calls or with a probability drawn
from a seeded random (so a run can be repeated), an outage (every call answered 503 until switched off), and
"apply then fail": the call changes the workspace, then the answer is lost (HTTP 502), as when a gateway times out
after Slack did the work; a client that retries it blindly posts twice.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

# The error code each injected status carries in its JSON body.
ERRORS = {429: "ratelimited", 500: "fatal_error", 502: "bad_gateway", 503: "service_unavailable",
          504: "request_timeout"}
OUTAGE_STATUS = 503


@dataclass
class Fault:
    """One switch: which methods (None: every one), what answer, how often, and whether the call is applied first."""

    status: int
    methods: frozenset[str] | None = None
    times: int | None = 1  # the next N matching calls; None: every matching call until removed
    probability: float = 1.0
    retry_after: int = 1  # seconds, sent with a 429
    apply_first: bool = False
    fired: int = 0  # how many calls it has answered

    def __post_init__(self) -> None:
        if self.status not in ERRORS:
            raise ValueError(f"status {self.status} is not one of {sorted(ERRORS)}")
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError("probability must be between 0 and 1")
        if self.times is not None and self.times < 1:
            raise ValueError("times must be at least 1 (or None for no limit)")

    @property
    def spent(self) -> bool:
        return self.times is not None and self.fired >= self.times

    @property
    def error(self) -> str:
        return ERRORS[self.status]

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)} if self.status == 429 else {}

    def covers(self, method: str) -> bool:
        return not self.spent and (self.methods is None or method in self.methods)


class Faults:
    """The switches in force, consulted by the Web API for every call; `outage` overrides everything."""

    def __init__(self, seed: int = 0) -> None:
        # Not for security: a seeded random, so a run with probabilistic faults can be repeated exactly.
        self.random = random.Random(seed)  # noqa: S311
        self.active: list[Fault] = []
        self.outage = False

    def seed(self, seed: int) -> None:
        self.random.seed(seed)

    def add(
        self, methods: str | Iterable[str] | None, *, status: int, times: int | None = 1, probability: float = 1.0,
        retry_after: int = 1, apply_first: bool = False,
    ) -> Fault:
        chosen = frozenset([methods] if isinstance(methods, str) else methods) if methods is not None else None
        fault = Fault(status, chosen, times, probability, retry_after, apply_first)
        self.active.append(fault)
        return fault

    def remove(self, fault: Fault) -> None:
        if fault in self.active:
            self.active.remove(fault)

    def clear(self) -> None:
        """Every switch off, the outage too."""
        self.active.clear()
        self.outage = False

    def instead(self, method: str) -> Fault | None:
        """The fault that answers this call instead of the method, if one fires."""
        if self.outage:
            return Fault(OUTAGE_STATUS, times=None)
        return self._fire(method, apply_first=False)

    def after(self, method: str) -> Fault | None:
        """The fault that replaces a successful answer once the call was applied, if one fires."""
        return self._fire(method, apply_first=True)

    def _fire(self, method: str, *, apply_first: bool) -> Fault | None:
        for fault in list(self.active):
            if fault.apply_first != apply_first or not fault.covers(method):
                continue
            if fault.probability < 1.0 and self.random.random() >= fault.probability:
                continue
            fault.fired += 1
            if fault.spent:
                self.active.remove(fault)
            return fault
        return None
