"""The classifier the consumer uses, rebuilt as the ignore rules and the Terraform states change.

Terraform states and the whole rules table are read again periodically (`refresh`, from the loop's housekeeping).
A rule made or removed in Slack must not wait for that: every rule write bumps the rules generation
(bot/state/generation.py), and `ensure_current` reads it before a message whose classification a rule may decide,
reading the rules again, and only the rules, when it moved.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bot.classify import Classifier
from bot.config import Settings
from bot.managed import ManagedIndex, StateReader
from bot.rules import IgnoreRule, load_rules
from bot.state import generation
from bot.state.repository import StateRepository


class ClassifierSource:
    """The classifier in use, rebuilt from the ignore-rules file, the stored rules and the Terraform states."""

    def __init__(self, settings: Settings, repo: StateRepository | None = None, s3: Any = None) -> None:
        self.settings = settings
        self.repo = repo
        self._file_rules: tuple[IgnoreRule, ...] = (
            load_rules(settings.ignore_rules_file) if settings.ignore_rules_file else ()
        )
        self._reader: StateReader | None = None
        if settings.scoped_state_locations and s3 is not None:
            self._reader = StateReader(s3, settings.scoped_state_locations, settings.max_log_file_bytes)
        self._stored: tuple[IgnoreRule, ...] = ()
        self._managed: ManagedIndex | None = None
        # The rules generation the stored rules were read at; None until they are read.
        self.generation: int | None = None
        self._rules_lock = asyncio.Lock()
        # The generation read in flight: when it started, and its answer (whether the rules were read again).
        self._check: tuple[float, asyncio.Future[bool]] | None = None
        self.current = Classifier(own_roles=settings.own_role_arns, ignore_rules=self._file_rules)

    @classmethod
    def fixed(cls, settings: Settings, classifier: Classifier) -> ClassifierSource:
        source = cls(settings)
        source.current = classifier
        return source

    async def refresh(self) -> None:
        """Read the stored rules and the Terraform states again."""
        if self.repo is None and self._reader is None:
            return
        if self._reader is not None:
            self._managed = await asyncio.to_thread(self._reader.load)
        if self.repo is not None:
            async with self._rules_lock:
                await self._read_rules()
        self._rebuild()

    async def ensure_current(self) -> bool:
        """Read the rules again if any was made or removed since they were read; True when they were.

        Only a generation read that began after this call did can answer for it (a rule written before that is
        seen). Calls arriving while a read is in flight wait for it and then share the next one, so messages
        arriving together cost two reads at most, not one each queued behind the other.
        """
        if self.repo is None:
            return False
        asked = time.monotonic()
        while True:
            check = self._check
            if check is not None and not check[1].done():
                if check[0] >= asked:
                    return await asyncio.shield(check[1])
                await asyncio.wait({check[1]})  # began before this call: wait for it, then take the next
                continue
            self._check = (time.monotonic(), asyncio.ensure_future(self._check_generation()))

    async def _check_generation(self) -> bool:
        async with self._rules_lock:
            # Read under the lock: messages arriving together after a change read the rules once, not each.
            if await generation.current() == self.generation:
                return False
            await self._read_rules()
        self._rebuild()
        return True

    async def _read_rules(self) -> None:
        assert self.repo is not None
        # The generation first: a rule written while the rules are read moves it again, and the next check reads
        # the rules once more, so no write is missed.
        self.generation = await generation.current()
        self._stored = tuple(rule.to_rule() for rule in await self.repo.rules())

    def _rebuild(self) -> None:
        self.current = Classifier(
            own_roles=self.settings.own_role_arns,
            ignore_rules=(*self._file_rules, *self._stored),
            managed=self._managed,
        )
