"""What the listers' tests share: a scan scope over the recording clients (moto's, each call counted for the type's
scan in infra/recorded-calls.json) or over one client a botocore Stubber answers, and what a type's lister lists
there."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import boto3
from botocore.stub import Stubber

from bot.catalog import SCAN
from bot.catalog.base import Listed, ScanScope
from bot.catalog.template_input import Clients
from tests.codegen.helpers import ACCOUNT

REGION = "us-east-1"


def recording_scope(aws_calls: Any, tf_type: str, region: str = REGION) -> ScanScope:
    """A scope whose clients are moto's, each call they make recorded for `tf_type`'s scan."""
    return ScanScope(Clients(aws_calls.factory(tf_type, "scan"), region), ACCOUNT)


def one_client_scope(client: Any, region: str = REGION) -> ScanScope:
    """A scope whose every client is `client` (one a Stubber answers)."""
    return ScanScope(Clients(lambda service, where: client, region), ACCOUNT)


def listed(aws_calls: Any, tf_type: str, region: str = REGION) -> list[Listed]:
    """What `tf_type`'s lister lists in moto, over the recording clients."""
    return list(SCAN[tf_type].list(recording_scope(aws_calls, tf_type, region)))


def listed_from(client: Any, tf_type: str, region: str = REGION) -> list[Listed]:
    """What `tf_type`'s lister lists from one client."""
    return list(SCAN[tf_type].list(one_client_scope(client, region)))


def by_id(items: Iterable[Listed]) -> dict[str, Listed]:
    """The items by import ID; one listed twice fails the test."""
    items = list(items)
    found = {item.import_id: item for item in items}
    assert len(found) == len(items), f"listed twice: {[item.import_id for item in items]}"
    return found


def client(service: str, region: str = REGION) -> Any:
    """A boto3 client with test credentials, for a Stubber to answer."""
    return boto3.client(service, region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing")


def stubbed(aws_calls: Any, service: str, tf_type: str, region: str = REGION) -> tuple[Any, Stubber]:
    """A client of `service` whose calls count for `tf_type`'s scan, and the Stubber that answers them (the calls
    are watched before the Stubber is activated, so the recording sees each)."""
    made = client(service, region)
    aws_calls.watch(made, tf_type, "scan")
    return made, Stubber(made)
