"""The App Home's filters and pages through the real app and the Slack emulator: each person's own, kept between
openings of the tab, reset by a restart."""

from __future__ import annotations

from typing import Any

from bot.state import ResourceRecord
from handlers.home.page_button import MAX_PAGE, page_of
from renderers.slack.ids import Action, Block
from sandbox.slack import Envelope
from sandbox.slack.workspace import View
from slack_adapters.client import HomeTabs
from tests.slack.conftest import Harness, action_ids, eventually, texts

BUCKETS = 30
QUEUES = 15


async def backlog(harness: Harness) -> tuple[list[ResourceRecord], list[ResourceRecord]]:
    """45 open resources, detected a minute apart: 30 buckets, with a queue after every second one."""
    buckets: list[ResourceRecord] = []
    queues: list[ResourceRecord] = []
    for i in range(BUCKETS + QUEUES):
        when = f"2026-01-01T{i // 60:02d}:{i % 60:02d}:00Z"
        if i % 3 == 2:
            queues.append(await harness.detect(f"home-queue-{i:02d}", tf_type="aws_sqs_queue", when=when,
                                               notify=False))
        else:
            buckets.append(await harness.detect(f"home-bucket-{i:02d}", when=when, notify=False))
    return buckets, queues


def shown(view: View) -> list[str]:
    """The resources the tab shows, in order, by their buttons' block ids."""
    prefix = f"{Block.RESOURCE_ACTIONS}-"
    return [b["block_id"][len(prefix):] for b in view.blocks if b.get("block_id", "").startswith(prefix)]


async def acked(envelope: Envelope) -> None:
    ack = await envelope.wait_ack(3)
    assert ack.problem is None and ack.seconds < 3, ack


async def published(harness: Harness, user: str, after: int, wanted: str) -> View:
    """The person's tab once a publish after the first `after` ones shows `wanted`."""
    emulator = harness.emulator

    def check() -> Any:
        calls = emulator.calls_to("views.publish")
        home = emulator.home(user)
        return len(calls) > after and all(c.ok for c in calls[after:]) and home and wanted in texts(home.blocks) \
            and home
    return await eventually(check)


async def test_filter_by_type_then_page_to_2(harness: Harness) -> None:
    emulator = harness.emulator
    buckets, queues = await backlog(harness)
    ids = [r.resource_id for r in buckets]

    await acked(await emulator.open_home("alice"))
    home = await published(harness, "alice", 0, "Page 1 of 3 (resources 1\u201320 of 45)")
    assert "*Open resources* (45), oldest first" in texts(home.blocks)
    assert len(shown(home)) == 20 and queues[0].resource_id in shown(home)

    # By type: 30 buckets, on two pages, back on page 1.
    count = len(emulator.calls_to("views.publish"))
    await acked(await emulator.click_in_view("alice", home.id, Action.HOME_TYPE_CHOOSE, value="aws_s3_bucket"))
    home = await published(harness, "alice", count, "Page 1 of 2 (resources 1\u201320 of 30 matching)")
    assert shown(home) == ids[:20]
    assert "30 match the filters" in texts(home.blocks) and "aws_s3_bucket (30)" in texts(home.blocks)
    assert Action.HOME_FILTERS_CLEAR in action_ids(home.blocks)

    # Page 2: the ten newest buckets, and only a way back.
    count = len(emulator.calls_to("views.publish"))
    await acked(await emulator.click_in_view("alice", home.id, Action.HOME_PAGE_NEXT))
    home = await published(harness, "alice", count, "Page 2 of 2 (resources 21\u201330 of 30 matching)")
    assert shown(home) == ids[20:]
    assert action_ids(home.blocks).count(Action.RESOURCE_ADOPT) == 10  # each keeps its buttons
    assert Action.HOME_PAGE_NEXT not in action_ids(home.blocks)
    [select] = [e for b in home.blocks for e in b.get("elements", []) if e.get("action_id") == Action.HOME_TYPE_CHOOSE]
    assert select["initial_option"]["value"] == "aws_s3_bucket"
    every = emulator.calls_to("views.publish")
    assert all(call.ok for call in every) and len(every) == count + 1

    # The filters are alice's own, and stay with her when she opens the tab again.
    await acked(await emulator.open_home("bob"))
    bobs = await published(harness, "bob", count + 1, "Page 1 of 3 (resources 1\u201320 of 45)")
    assert "match the filters" not in texts(bobs.blocks)
    count = len(emulator.calls_to("views.publish"))
    await acked(await emulator.open_home("alice"))
    again = await published(harness, "alice", count, "Page 2 of 2 (resources 21\u201330 of 30 matching)")
    assert shown(again) == ids[20:]

    # Enter in the name input narrows further, back on page 1; Clear filters shows all 45 again.
    count = len(emulator.calls_to("views.publish"))
    await acked(await emulator.click_in_view("alice", again.id, Action.HOME_NAME_SET, value="BUCKET-1"))
    named = await published(harness, "alice", count, "7 match the filters")
    assert shown(named) == [r.resource_id for r in buckets if r.name.startswith("home-bucket-1")]
    count = len(emulator.calls_to("views.publish"))
    await acked(await emulator.click_in_view("alice", named.id, Action.HOME_FILTERS_CLEAR))
    cleared = await published(harness, "alice", count, "Page 1 of 3 (resources 1\u201320 of 45)")
    assert "match the filters" not in texts(cleared.blocks)
    assert Action.HOME_FILTERS_CLEAR not in action_ids(cleared.blocks)


async def test_a_restart_forgets_the_filters(harness: Harness) -> None:
    emulator = harness.emulator
    await backlog(harness)
    await acked(await emulator.open_home("alice"))
    home = await published(harness, "alice", 0, "Page 1 of 3")
    count = len(emulator.calls_to("views.publish"))
    await acked(await emulator.click_in_view("alice", home.id, Action.HOME_TYPE_CHOOSE, value="aws_sqs_queue"))
    await published(harness, "alice", count, "15 match the filters")
    assert harness.services.homes.filters_for(emulator.workspace.user("alice").id).tf_type == "aws_sqs_queue"

    harness.services.homes = HomeTabs()  # what a restart leaves of the in-memory state
    count = len(emulator.calls_to("views.publish"))
    await acked(await emulator.open_home("alice"))
    home = await published(harness, "alice", count, "Page 1 of 3 (resources 1\u201320 of 45)")
    assert "match the filters" not in texts(home.blocks)


def test_a_page_button_value_is_a_page_number_or_nothing() -> None:
    assert page_of("2") == 2 and page_of("0") == 1 and page_of("99999999") == MAX_PAGE
    assert page_of("-1") is None and page_of("²") is None and page_of(None) is None and page_of("") is None
