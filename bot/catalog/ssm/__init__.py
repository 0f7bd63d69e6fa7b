"""AWS Systems Manager Parameter Store."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from bot.catalog import _arn
from bot.catalog.base import (
    CatalogEntry,
    Found,
    NotACreation,
    console,
    need,
    q,
    region_of,
    spelled,
    state_attribute,
    tags_from_pairs,
)
from bot.events import CloudTrailRecord


def _flag(value: Any) -> bool:
    if isinstance(value, str):  # some producers stringify booleans
        return value.lower() == "true"
    return value is True



def _parameter_console(region: str, name: str) -> str:
    # The console expects the name percent-encoded twice in its path (/a/b -> %252Fa%252Fb).
    path = quote(q(name), safe="")
    return console(region, f"systems-manager/parameters/{path}/description?region={q(region)}")


def _parameter(record: CloudTrailRecord) -> list[Found]:
    name = need(spelled(record.request, "name"), "requestParameters.name")
    version = spelled(record.response, "version")
    version = version if isinstance(version, int) and not isinstance(version, bool) else None
    # PutParameter both creates and updates. A new parameter is always version 1, so the response settles it;
    # without one, overwrite=true is taken as an update (the only way to change an existing parameter).
    if version is not None and version > 1:
        raise NotACreation(f"PutParameter wrote version {version} of the existing parameter {name}")
    if version is None and _flag(spelled(record.request, "overwrite")):
        raise NotACreation(f"PutParameter with overwrite=true changes the existing parameter {name}")
    region = region_of(record)
    # Parameter ARNs drop a hierarchical name's leading slash: parameter/a/b for /a/b.
    arn = _arn.build(record, "ssm", f"parameter/{name.lstrip('/')}")
    return [
        Found(
            import_id=name,
            name=name,
            arn=arn,
            console_url=_parameter_console(region, name),
            tags=tags_from_pairs(spelled(record.request, "tags")),
        )
    ]



ENTRIES = (
    CatalogEntry(
        tf_type="aws_ssm_parameter",
        label="SSM parameter",
        service="ssm",
        event_source="ssm.amazonaws.com",
        create_events=("PutParameter",),
        delete_events=("DeleteParameter", "DeleteParameters"),
        resolve=_parameter,
        import_id_format="parameter name: `terraform import aws_ssm_parameter.my_param /my_path/my_paramname`",
        # The value (and its version history) goes with the parameter.
        loses_data=True,
        state_import_id=state_attribute("name", "id"),
    ),
)
