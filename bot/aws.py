"""boto3 clients built from the settings, so every AWS endpoint can point at the embedded emulator.

Endpoints are named and resolved as the AWS SDKs do it: AWS_ENDPOINT_URL_<SERVICE_ID>, then AWS_ENDPOINT_URL, then
the shared config file's `services` section. botocore reads those variables from os.environ alone, so tfsync hands
the Settings' copy of them to botocore's own resolver (ConfiguredEndpointProvider, with the session's config file)
and passes on the URL it finds: tests and the sandbox set endpoints through Settings, never through os.environ.
"""

from __future__ import annotations

from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.configprovider import ConfiguredEndpointProvider

from bot.config import Settings

_CLIENT_CONFIG = Config(retries={"max_attempts": 5, "mode": "standard"}, connect_timeout=5, read_timeout=30)


def endpoint_url(settings: Settings, service: str, session: botocore.session.Session | None = None) -> str | None:
    """The endpoint botocore resolves for `service` (a boto3 client name) from the settings, or None for AWS's own.

    Also for clients tfsync does not make itself, such as PynamoDB's, which take the URL as their `host`.
    """
    session = session or botocore.session.Session()
    if session.get_config_variable("ignore_configured_endpoint_urls"):
        return None
    return ConfiguredEndpointProvider(
        full_config=session.full_config,
        scoped_config=session.get_scoped_config(),
        client_name=service,
        environ=settings.aws_endpoint_variables,
    ).provide()


def client(settings: Settings, service: str, region: str | None = None) -> Any:
    """A boto3 client for `service`, at the endpoint the settings configure for it."""
    session = botocore.session.Session()
    return boto3.session.Session(botocore_session=session).client(
        service,
        region_name=region or settings.aws_region,
        endpoint_url=endpoint_url(settings, service, session),
        config=_CLIENT_CONFIG,
    )
