"""boto3 clients built from the settings, so every AWS endpoint can point at the embedded emulator.

Endpoints are named and resolved as the AWS SDKs do it: AWS_ENDPOINT_URL_<SERVICE_ID>, then AWS_ENDPOINT_URL, then
the shared config file's `services` section. botocore reads those variables from os.environ alone, so tfsync hands
the Settings' copy of them to botocore's own resolver (ConfiguredEndpointProvider, with the session's config file)
and passes on the URL it finds: tests and the sandbox set endpoints through Settings, never through os.environ.

Every client comes from one botocore session per process (`session()`), PynamoDB's included (bot/state/schema.py):
a session keeps its own loader, and each loader its own parsed copy of the endpoint rules and service models, so a
session per client held several copies of them (megabytes each). The session is made again only when the
environment that names its configuration changes (a config file, a profile), as it does between tests, and the
new one takes over the loader, so the models are still parsed once. botocore clients are safe to share between
threads, but making one is not: clients are made under a lock.

A client for another account signs with that account's credentials (`Credentials`, from an assumed role: see
bot/accounts.py); every other client signs with the session's own, tfsync's.
"""

from __future__ import annotations

import os
import threading
from typing import Any, NamedTuple

import boto3
import botocore.session
from botocore.config import Config
from botocore.configprovider import ConfiguredEndpointProvider

from bot.config import Settings

_CLIENT_CONFIG = Config(retries={"max_attempts": 5, "mode": "standard"}, connect_timeout=5, read_timeout=30)
# A scan's clients: botocore's adaptive mode retries a throttled call with exponential backoff, as standard mode does,
# and also slows the client's own sending rate after a throttle, so a scan of thousands of resources stays under
# each service's API rate instead of spending its retries.
SCAN_CONFIG = Config(retries={"max_attempts": 10, "mode": "adaptive"}, connect_timeout=5, read_timeout=30)
# The variables botocore reads once, when a session first loads its configuration.
_SESSION_VARIABLES = (
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_DATA_PATH",
)

# Held while a session or a client is made, and by bot.state.schema while PynamoDB's client is.
lock = threading.RLock()
_shared: tuple[tuple[str | None, ...], botocore.session.Session, boto3.session.Session] | None = None


class Credentials(NamedTuple):
    """Credentials a client signs with instead of the session's own: an assumed role's, in another account."""

    access_key_id: str
    secret_access_key: str
    session_token: str

    def __repr__(self) -> str:
        return f"Credentials(access_key_id={self.access_key_id!r}, secret_access_key='***', session_token='***')"


def _environment() -> tuple[str | None, ...]:
    return tuple(os.environ.get(name) for name in _SESSION_VARIABLES)


def _sessions() -> tuple[botocore.session.Session, boto3.session.Session]:
    global _shared
    with lock:
        environment = _environment()
        if _shared is None or _shared[0] != environment:
            core = botocore.session.Session()
            if _shared is not None and environment[-1] == _shared[0][-1]:
                # The same data path: the parsed models and endpoint rules carry over.
                core.register_component("data_loader", _shared[1].get_component("data_loader"))
            # One boto3 session over it, made once: each boto3.Session registers its handlers on the botocore
            # session again and adds its data folder to the loader's search path again.
            _shared = (environment, core, boto3.session.Session(botocore_session=core))
        return _shared[1], _shared[2]


def session() -> botocore.session.Session:
    """The process's botocore session, which every client tfsync makes comes from."""
    return _sessions()[0]


def endpoint_url(settings: Settings, service: str, session: botocore.session.Session | None = None) -> str | None:
    """The endpoint botocore resolves for `service` (a boto3 client name) from the settings, or None for AWS's own.

    Also for clients tfsync does not make itself, such as PynamoDB's, which take the URL as their `host`.
    """
    session = session or _sessions()[0]
    if session.get_config_variable("ignore_configured_endpoint_urls"):
        return None
    return ConfiguredEndpointProvider(
        full_config=session.full_config,
        scoped_config=session.get_scoped_config(),
        client_name=service,
        environ=settings.aws_endpoint_variables,
    ).provide()


def client(settings: Settings, service: str, region: str | None = None, *,
           credentials: Credentials | None = None, config: Config | None = None) -> Any:
    """A boto3 client for `service`, at the endpoint the settings configure for it, from the process's session;
    signing with `credentials` when given (another account's), with the session's own otherwise; retrying as
    `config` says (SCAN_CONFIG for a scan), else as every other client does."""
    keys: dict[str, str] = {}
    if credentials is not None:
        keys = {"aws_access_key_id": credentials.access_key_id,
                "aws_secret_access_key": credentials.secret_access_key,
                "aws_session_token": credentials.session_token}
    with lock:
        core, boto = _sessions()
        return boto.client(
            service,
            region_name=region or settings.aws_region,
            endpoint_url=endpoint_url(settings, service, core),
            config=config or _CLIENT_CONFIG,
            **keys,
        )


def error_text(exc: Exception) -> str:
    """What AWS answered, in words: a ClientError's code and message (`AccessDenied: not allowed`), else the
    exception's own text (a connection that failed, say), at most 500 characters."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        error = response.get("Error") or {}
        code, message = str(error.get("Code") or ""), str(error.get("Message") or "").strip()
        if code:
            return f"{code}: {message}"[:500] if message else code
    return (str(exc) or type(exc).__name__)[:500]
