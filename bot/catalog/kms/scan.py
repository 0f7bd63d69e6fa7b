"""AWS Key Management Service: a region's customer managed keys and their aliases, less the AWS managed keys and
aliases (alias/aws/...) services make for themselves, and keys waiting out their deletion."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.catalog._scan import described, paged
from bot.catalog.base import Listed, Lister, ScanScope
from bot.catalog.kms import _ALIAS_PREFIX, _alias_console, _key_console

# The aliases AWS gives its managed keys (alias/aws/s3, alias/aws/ebs...); people cannot make one.
_AWS_ALIASES = f"{_ALIAS_PREFIX}aws/"
# Keys on their way out: deleted when the waiting period ends, so not there to adopt.
_DELETING = frozenset({"PendingDeletion", "PendingReplicaDeletion"})
# A description is free text up to 8192 characters: its start is what a fact shows.
_DESCRIPTION_CHARS = 80


def _aliases(scope: ScanScope) -> Iterator[dict[str, Any]]:
    return paged(scope.clients("kms"), "list_aliases", "Aliases")


def _keys(scope: ScanScope) -> Iterator[Listed]:
    kms = scope.clients("kms")
    # ListKeys gives only IDs; who manages a key and its state need DescribeKey, which takes one key a call.
    names: dict[str, list[str]] = {}
    for alias in _aliases(scope):
        if alias.get("TargetKeyId"):
            names.setdefault(alias["TargetKeyId"], []).append(alias["AliasName"])
    for entry in paged(kms, "list_keys", "Keys"):
        key = described(kms.describe_key, "KeyMetadata", gone="NotFoundException", KeyId=entry["KeyId"])
        if key is None:
            continue  # deleted since the listing
        if key.get("KeyManager") == "AWS" or key.get("KeyState") in _DELETING:
            continue
        if (key.get("MultiRegionConfiguration") or {}).get("MultiRegionKeyType") == "REPLICA":
            # A replica of a multi-Region key is made by ReplicateKey, not CreateKey, and Terraform has a type of
            # its own for it (aws_kms_replica_key); its primary is listed in its own region.
            continue
        key_id = key["KeyId"]
        yield Listed(
            import_id=key_id,
            name=key_id,
            arn=key.get("Arn") or scope.arn("kms", f"key/{key_id}"),
            console_url=_key_console(scope.region, key_id),
            facts=_key_facts(key, names.get(key_id, [])),
        )


def _key_facts(key: dict[str, Any], aliases: list[str]) -> tuple[tuple[str, str], ...]:
    facts: list[tuple[str, str]] = []
    if aliases:
        facts.append(("alias", ", ".join(sorted(aliases))))
    if key.get("Description"):
        description = str(key["Description"])
        if len(description) > _DESCRIPTION_CHARS:
            description = description[: _DESCRIPTION_CHARS - 1] + "…"
        facts.append(("description", description))
    spec = key.get("KeySpec") or key.get("CustomerMasterKeySpec")
    if spec:
        facts.append(("spec", str(spec)))
    if key.get("KeyUsage"):
        facts.append(("usage", str(key["KeyUsage"])))
    if key.get("KeyState") and key["KeyState"] != "Enabled":
        facts.append(("state", str(key["KeyState"])))
    if key.get("Origin") and key["Origin"] != "AWS_KMS":
        facts.append(("origin", str(key["Origin"])))
    if key.get("MultiRegion"):
        facts.append(("multi-Region", "primary"))
    return tuple(facts)


def _alias_listing(scope: ScanScope) -> Iterator[Listed]:
    for alias in _aliases(scope):
        name = alias["AliasName"]
        if name.startswith(_AWS_ALIASES):
            continue
        target = alias.get("TargetKeyId") or ""
        yield Listed(
            import_id=name,
            name=name,
            # As the resolver builds it from the scope's region and account.
            arn=scope.arn("kms", name),
            console_url=_alias_console(scope.region, target),
            facts=(("key", target),) if target else (),
        )


LISTERS = {
    "aws_kms_key": Lister(("kms:ListAliases", "kms:ListKeys", "kms:DescribeKey"), _keys),
    "aws_kms_alias": Lister(("kms:ListAliases",), _alias_listing),
}
