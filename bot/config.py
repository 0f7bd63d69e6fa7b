"""Settings: built once from the environment at start-up, frozen, and passed down; nothing else reads os.environ."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from bot.errors import ConfigError

MIB = 1024 * 1024
DEFAULT_MAX_MESSAGE_BYTES = 1 * MIB  # SQS's largest message
DEFAULT_MAX_LOG_FILE_BYTES = 256 * MIB
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class Secret(str):
    """A string whose repr and str in logs never show the value."""

    def __repr__(self) -> str:
        return "Secret('***')" if self else "Secret('')"

    def reveal(self) -> str:
        return str.__str__(self)

    def __str__(self) -> str:
        return "***" if self else ""


_NO_SECRET = Secret("")


def _csv(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything tfsync can be told from outside, typed."""

    aws_region: str = "us-east-1"
    # AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>, as the AWS SDKs name them: tests and the sandbox point
    # these at the embedded emulator.
    aws_endpoint_url: str | None = None
    aws_service_endpoints: Mapping[str, str] = field(default_factory=dict)

    # Terraform states that say what is already managed: s3://bucket/key.tfstate or s3://bucket/prefix/
    state_locations: tuple[str, ...] = ()
    # Principals whose calls are tfsync's own (the adopt pipeline); role ARNs, `*` allowed.
    own_role_arns: tuple[str, ...] = ()
    # A JSON file of ignore rules applied by the detection filters.
    ignore_rules_file: Path | None = None

    # Limits on what tfsync will read: a queue message body, and one decompressed CloudTrail log file.
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES
    max_log_file_bytes: int = DEFAULT_MAX_LOG_FILE_BYTES

    queue_url: str | None = None
    log_level: str = "INFO"

    slack_bot_token: Secret = _NO_SECRET
    slack_app_token: Secret = _NO_SECRET

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build the settings from an environment mapping (os.environ when none is given)."""
        env = os.environ if env is None else env
        prefix = "AWS_ENDPOINT_URL_"
        service_endpoints = {
            key[len(prefix) :].lower(): value for key, value in env.items() if key.startswith(prefix) and value
        }
        rules_file = env.get("TFSYNC_IGNORE_RULES_FILE", "").strip()
        for location in (locations := _csv(env.get("TFSYNC_STATE_LOCATIONS", ""))):
            if not location.startswith("s3://") or not location[len("s3://") :].partition("/")[0]:
                raise ConfigError(f"TFSYNC_STATE_LOCATIONS: {location!r} is not an s3://bucket/key or prefix")
        log_level = (env.get("TFSYNC_LOG_LEVEL") or "INFO").strip().upper()
        if log_level not in _LOG_LEVELS:
            raise ConfigError(f"TFSYNC_LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}, got {log_level!r}")
        return cls(
            aws_region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
            aws_endpoint_url=env.get("AWS_ENDPOINT_URL") or None,
            aws_service_endpoints=service_endpoints,
            state_locations=locations,
            own_role_arns=_csv(env.get("TFSYNC_OWN_ROLE_ARNS", "")),
            ignore_rules_file=Path(rules_file) if rules_file else None,
            max_message_bytes=_int(env, "TFSYNC_MAX_MESSAGE_BYTES", DEFAULT_MAX_MESSAGE_BYTES),
            max_log_file_bytes=_int(env, "TFSYNC_MAX_LOG_FILE_BYTES", DEFAULT_MAX_LOG_FILE_BYTES),
            queue_url=env.get("TFSYNC_QUEUE_URL") or None,
            log_level=log_level,
            slack_bot_token=Secret(env.get("SLACK_BOT_TOKEN", "")),
            slack_app_token=Secret(env.get("SLACK_APP_TOKEN", "")),
        )

    def endpoint_for(self, service: str) -> str | None:
        """The endpoint URL boto3 should use for a service, or None for AWS's own."""
        key = service.replace("-", "_").lower()
        return self.aws_service_endpoints.get(key) or self.aws_endpoint_url

    def redacted(self) -> dict[str, object]:
        """The settings as a dict safe to log."""
        return {f.name: (str(v) if isinstance(v, Secret) else v) for f in fields(self) if (v := getattr(self, f.name))}
