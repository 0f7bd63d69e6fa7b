"""The classifier the consumer uses, rebuilt as the ignore rules and the Terraform states change."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.classify import Classifier
from bot.config import Settings
from bot.managed import StateReader
from bot.rules import IgnoreRule, load_rules
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
        if settings.state_locations and s3 is not None:
            self._reader = StateReader(s3, settings.state_locations, settings.max_log_file_bytes)
        self.current = Classifier(own_roles=settings.own_role_arns, ignore_rules=self._file_rules)

    @classmethod
    def fixed(cls, settings: Settings, classifier: Classifier) -> ClassifierSource:
        source = cls(settings)
        source.current = classifier
        return source

    async def refresh(self) -> None:
        if self.repo is None and self._reader is None:
            return
        stored = [rule.to_rule() for rule in await self.repo.rules()] if self.repo else []
        managed = await asyncio.to_thread(self._reader.load) if self._reader else None
        self.current = Classifier(
            own_roles=self.settings.own_role_arns, ignore_rules=(*self._file_rules, *stored), managed=managed
        )
