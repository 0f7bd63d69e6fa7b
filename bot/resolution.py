"""Import IDs a creation record lacks, found before the resource is stored.

Some records do not carry the import ID: a `CreateSecret` whose responseElements is null (it happens in real
trails) names the secret but not its ARN. The catalog entry then says which one describe call finds it
(CatalogEntry.lookup); the consumer makes that call in the resource's own account and region, on a worker thread,
before the record is stored, so the stored resource has its real import ID and is screened against the Terraform
states and ignore rules with it. When the call fails (no role in the account, access denied, the resource already
gone), the resource is stored all the same, with what is missing and why: the thread opens and says so, and
Adopt and Delete refuse until the ID is known, because neither can act on a resource it cannot name.
"""

from __future__ import annotations

import dataclasses
import logging

from botocore.exceptions import BotoCoreError, ClientError

from bot.accounts import ClientFactory
from bot.catalog import CATALOG
from bot.catalog.template_input import Clients, NotFound
from bot.errors import TfsyncError
from bot.resource import Resource

logger = logging.getLogger(__name__)


def _why(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", "")) or "Unknown"
        message = str(error.get("Message", "")).strip()
        return f"AWS answered {code}" + (f": {message}" if message else "")
    if isinstance(exc, BotoCoreError):
        return f"AWS could not be reached ({exc})"
    return str(exc)


def locate(resource: Resource, factory: ClientFactory) -> Resource:
    """The resource with the import ID its catalog entry's lookup finds, or, when that fails, with `unresolved`
    saying what is missing and why. A resource whose ID is known comes back unchanged."""
    entry = CATALOG.get(resource.tf_type)
    lookup = entry.lookup if entry is not None else None
    if not resource.resolve or lookup is None:
        return resource
    try:
        located = lookup.find(Clients(factory, resource.region), resource)
    except (ClientError, BotoCoreError, NotFound, TfsyncError) as exc:
        why = _why(exc)
    else:
        if located.import_id:
            return dataclasses.replace(resource, import_id=located.import_id, arn=located.arn or resource.arn,
                                       resolve="", unresolved="")
        why = "it did not return one"
    logger.warning("%s %s in %s/%s: the import ID is not in the record, and %s failed: %s", resource.tf_type,
                   resource.name, resource.account_id, resource.region, lookup.call, why)
    return dataclasses.replace(resource, unresolved=f"the record lacks the import ID, and {lookup.call} failed: {why}")
