"""The sandbox's second account, with the role tfsync assumes there: a resource made there is acted on there only.

A module of its own (its own sandbox): its resources must each get a thread, whatever burst another module made.
"""

from __future__ import annotations

from typing import Any

import pytest

from renderers.slack.ids import Action, Block
from sandbox.app import Running
from sandbox.aws import ACCOUNT_ID, OTHER_ACCOUNT_ID, console_access
from tests.sandbox_app.conftest import Api, eventually
from tests.sandbox_app.test_sandbox_api import aws, thread_for

pytestmark = pytest.mark.asyncio(loop_scope="module")


def other_account(sandbox: Running, service: str) -> Any:
    """A client in the sandbox's second account, as a person signed into it."""
    return console_access(sandbox.settings).client(OTHER_ACCOUNT_ID, service)


async def delete_from_slack(api: Api, parent: dict[str, Any], name: str) -> dict[str, Any]:
    """Click Delete in a resource's thread and submit the confirmation; the submission's answer."""
    opened = await api.post("/sandbox/interact", {"user": "alice", "channel": parent["channel"],
                                                  "message_ts": parent["ts"], "action_id": Action.RESOURCE_DELETE})
    view = opened["view"]
    values: dict[str, Any] = {}
    if any(b.get("block_id") == Block.CONFIRMATION_INPUT for b in view["blocks"]):
        values = {Block.CONFIRMATION_INPUT: {Action.CONFIRMATION_TYPE: name}}
    return await api.post("/sandbox/views/submit", {"user": "alice", "view_id": view["id"], "values": values})


async def test_a_role_made_in_the_second_account_is_deleted_there_only(api: Api, sandbox: Running) -> None:
    # The same role name in tfsync's own account, made earlier and not by ClickOps.
    aws(sandbox, "iam").create_role(RoleName="twin-admin", AssumeRolePolicyDocument="{}",
                                    Description=f"the one in {ACCOUNT_ID}")
    made = await api.post("/sandbox/clickops", {"tf_type": "aws_iam_role", "name": "twin-admin",
                                                "account": OTHER_ACCOUNT_ID})
    assert made["account"] == OTHER_ACCOUNT_ID and made["import_id"] == "twin-admin"
    assert other_account(sandbox, "iam").get_role(RoleName="twin-admin")["Role"]["Arn"] == (
        f"arn:aws:iam::{OTHER_ACCOUNT_ID}:role/twin-admin")
    parent = await thread_for(api, "twin-admin")

    answer = await delete_from_slack(api, parent, "twin-admin")
    assert answer["errors"] == {}
    iam_b = other_account(sandbox, "iam")

    async def gone_from_b() -> bool:
        return "twin-admin" not in [r["RoleName"] for r in iam_b.list_roles()["Roles"]]

    await eventually(gone_from_b)
    assert aws(sandbox, "iam").get_role(RoleName="twin-admin")["Role"]["Description"] == f"the one in {ACCOUNT_ID}"

