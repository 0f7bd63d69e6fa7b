"""A sandbox started without a role for tfsync in its second account: Delete there is refused, nothing changes."""

from __future__ import annotations

from typing import Any

import pytest

from bot.state import StateRepository
from sandbox.app import Running
from sandbox.aws import ACCOUNT_ID, OTHER_ACCOUNT_ID
from sandbox.web.api import view_json
from tests.sandbox_app.conftest import Api, eventually
from tests.sandbox_app.test_sandbox_api import aws, thread_for
from tests.sandbox_app.test_sandbox_member_account import delete_from_slack, other_account

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"member_role": False}


async def test_without_a_role_in_the_second_account_delete_is_refused_and_both_remain(api: Api,
                                                                                    sandbox: Running) -> None:
    aws(sandbox, "iam").create_role(RoleName="twin-admin", AssumeRolePolicyDocument="{}")
    made = await api.post("/sandbox/clickops", {"tf_type": "aws_iam_role", "name": "twin-admin",
                                                "account": OTHER_ACCOUNT_ID})
    assert made["account"] == OTHER_ACCOUNT_ID
    parent = await thread_for(api, "twin-admin")

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
    repo = StateRepository(sandbox.settings)
    [record] = [r for r in await repo.by_status("detected") if r.name == "twin-admin"]
    assert record.account_id == OTHER_ACCOUNT_ID and record.lease_owner is None
    assert await repo.by_status("deleting") == []
    assert other_account(sandbox, "iam").get_role(RoleName="twin-admin")
    assert aws(sandbox, "iam").get_role(RoleName="twin-admin")["Role"]["Arn"] == (
        f"arn:aws:iam::{ACCOUNT_ID}:role/twin-admin")
