"""A sandbox started without a role for tfsync in its second account: Delete there is refused, nothing changes."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from bot.state import StateRepository
from renderers.slack import render_resource_message
from renderers.slack.ids import Action
from sandbox.app import Running
from sandbox.aws import ACCOUNT_ID, OTHER_ACCOUNT_ID
from sandbox.web.api import view_json
from slack_adapters.presenters import resource_view
from tests.renderers.slackcheck import buttons
from tests.sandbox_app.conftest import Api, eventually
from tests.sandbox_app.test_sandbox_api import aws, thread_for
from tests.sandbox_app.test_sandbox_member_account import delete_from_slack, other_account

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"member_role": False}


async def test_without_a_role_the_thread_says_so_up_front_and_offers_only_ignore(api: Api, sandbox: Running) -> None:
    await api.post("/sandbox/clickops", {"tf_type": "aws_iam_role", "name": "lone-admin",
                                         "account": OTHER_ACCOUNT_ID})
    parent = await thread_for(api, "lone-admin")
    message = sandbox.emulator.message(parent["channel"], parent["ts"])
    text = str(message.blocks)
    assert f"tfsync has no role in account sandbox-member (`{OTHER_ACCOUNT_ID}`)" in text
    assert "can show and ignore this resource but not adopt or delete it" in text
    assert "Terraform* (preview)" in text, "the code preview made from the event is still there"
    assert set(buttons({"blocks": message.blocks})) == {Action.RESOURCE_IGNORE}
    for action in (Action.RESOURCE_DELETE, Action.RESOURCE_ADOPT):
        refused = await api.post("/sandbox/interact", {"user": "alice", "channel": parent["channel"],
                                                       "message_ts": parent["ts"], "action_id": action}, status=400)
        assert "no element with action_id" in refused["error"]


async def test_a_delete_clicked_in_an_older_message_is_refused_and_both_remain(api: Api, sandbox: Running) -> None:
    """A message shown while tfsync still had a role there keeps its buttons: the click is refused, and nothing in
    either account changes."""
    aws(sandbox, "iam").create_role(RoleName="twin-admin", AssumeRolePolicyDocument="{}")
    made = await api.post("/sandbox/clickops", {"tf_type": "aws_iam_role", "name": "twin-admin",
                                                "account": OTHER_ACCOUNT_ID})
    assert made["account"] == OTHER_ACCOUNT_ID
    parent = await thread_for(api, "twin-admin")
    repo = StateRepository(sandbox.settings)
    [record] = [r for r in await repo.by_status("detected") if r.name == "twin-admin"]
    older = render_resource_message(replace(await resource_view(record), reachable=True))
    sandbox.emulator.message(parent["channel"], parent["ts"]).blocks = older["blocks"]

    answer = await delete_from_slack(api, parent, "twin-admin")

    async def refusal() -> dict[str, Any] | None:
        # Once the submission is acked the refusal shows: pushed on top of the submitted modal while its trigger
        # is fresh, or in its place after; either way a modal of this person's stack.
        assert answer["view"]["id"] in sandbox.emulator.views
        for found in list(sandbox.emulator.views.values()):
            view = view_json(found)
            if view is not None and view["title"]["text"] == "No access to account":
                return view
        return None

    view = await eventually(refusal)
    assert (f"tfsync has no role in account {OTHER_ACCOUNT_ID} (set TFSYNC_ACCOUNT_ROLES or TFSYNC_MEMBER_ROLE_NAME): "
            "it can show and ignore this resource but not adopt or delete it.") in str(view["blocks"])
    [record] = [r for r in await repo.by_status("detected") if r.name == "twin-admin"]
    assert record.account_id == OTHER_ACCOUNT_ID and record.lease_owner is None
    assert await repo.by_status("deleting") == []
    assert other_account(sandbox, "iam").get_role(RoleName="twin-admin")
    assert aws(sandbox, "iam").get_role(RoleName="twin-admin")["Role"]["Arn"] == (
        f"arn:aws:iam::{ACCOUNT_ID}:role/twin-admin")
