"""boto3 clients built from the settings, so every AWS endpoint can point at the embedded emulator."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

from bot.config import Settings

_CLIENT_CONFIG = Config(retries={"max_attempts": 5, "mode": "standard"}, connect_timeout=5, read_timeout=30)


def client(settings: Settings, service: str, region: str | None = None) -> Any:
    """A boto3 client for `service`, honouring the settings' endpoint overrides."""
    return boto3.session.Session().client(
        service,
        region_name=region or settings.aws_region,
        endpoint_url=settings.endpoint_for(service),
        config=_CLIENT_CONFIG,
    )
