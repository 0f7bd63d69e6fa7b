"""Every catalog type's lister against moto: a resource made as a person makes it is listed with the import ID its
creation record gives, and a fresh account (moto's default VPCs, subnets, security groups, route tables, internet
gateways and AWS-managed policies in every region) lists nothing, since AWS made all of that by itself.

The listers' calls are recorded as each type's `scan` phase (tests/aws_calls.py): tfsync's roles are granted them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.catalog import SCAN
from bot.catalog.base import LISTS_PER_ACCOUNT, Listed, ScanScope
from bot.catalog.template_input import Clients
from tests.codegen import cases
from tests.codegen.helpers import ACCOUNT
from tests.codegen.test_types import CASES

SERVED = sorted(set(SCAN) & set(CASES) - set(cases.UNSERVED))
# Regions a fresh account is listed in: the one most cases use, and one with nothing made in it.
EMPTY_REGIONS = ("us-east-1", "eu-west-1")


def listed(aws_calls: Any, tf_type: str, region: str) -> list[Listed]:
    lister = SCAN[tf_type]
    scope = ScanScope(Clients(aws_calls.factory(tf_type, "scan"), region), ACCOUNT)
    return list(lister.list(scope))


@pytest.mark.parametrize("tf_type", SERVED)
def test_a_made_resource_is_listed_with_its_import_id(tf_type: str, aws_client: Callable[..., Any],
                                                      aws_calls: Any) -> None:
    made = CASES[tf_type](aws_client)
    region = made.record.get("awsRegion") or "us-east-1"
    per_account = SCAN[tf_type].per == LISTS_PER_ACCOUNT
    found = listed(aws_calls, tf_type, "us-east-1" if per_account else region)
    ids = [item.import_id for item in found]
    assert made.import_id in ids, (tf_type, ids)
    assert len(ids) == len(set(ids)), f"{tf_type}: listed twice: {ids}"
    item = found[ids.index(made.import_id)]
    assert item.name, item
    assert item.console_url.startswith("https://"), item
    if per_account and item.region:
        assert item.region == region, item
    for label, value in item.facts:
        assert label and value, item


@pytest.mark.parametrize("tf_type", sorted(SCAN))
@pytest.mark.parametrize("region", EMPTY_REGIONS)
def test_a_fresh_account_lists_nothing(tf_type: str, region: str, aws_calls: Any) -> None:
    if tf_type in cases.UNSERVED:
        pytest.skip(f"moto does not serve {tf_type}: {cases.UNSERVED[tf_type]}")
    assert listed(aws_calls, tf_type, region) == []
