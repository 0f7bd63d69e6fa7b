"""The App Home's filters and pages, pure: what passes each filter, the page numbers, the clamp, the menus within
Slack's 100 options, and hostile names and values through it all."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renderers.slack import home as home_module
from renderers.slack import limits
from renderers.slack.home import (
    ANY,
    HOME_BLOCKS_MAX,
    NAME_FILTER_MAX,
    PAGE_SIZE,
    chosen_value,
    clean_name,
    entry_of,
    facets,
    filter_value,
    option_text,
    render_home,
    select_page,
)
from renderers.slack.ids import Action, Block
from renderers.slack.resource import summary_line
from renderers.slack.text import Mrkdwn, slack_len
from renderers.slack.viewdata import (
    ActivityView,
    HomeFilters,
    HomeView,
    IgnoreRuleView,
    OpenEntry,
    ResourceView,
    RoutingRuleView,
    Status,
)
from tests.renderers.slackcheck import action_ids, assert_view
from tests.renderers.strategies import USER_IDS, hostile_text, resources
from tests.renderers.test_resource import WHEN, bucket

TYPES = ("aws_s3_bucket", "aws_instance", "aws_sqs_queue")


def backlog(count: int) -> list[ResourceView]:
    """`count` open resources, oldest first by index: types, accounts, regions and sources in turn."""
    return [
        bucket(
            short_id=f"r-{i:012d}", name=f"res-{i:03d}", import_id=f"res-{i:03d}", tf_type=TYPES[i % 3],
            account_id=("111111111111", "222222222222")[i % 2], region=("us-east-1", "eu-west-1")[i % 2],
            source=("event", "scan", "scan", "reconcile")[i % 4], event_time=WHEN + timedelta(minutes=i),
        )
        for i in range(count)
    ]


def entries(resources: list[ResourceView]) -> list[OpenEntry]:
    return [entry_of(r) for r in resources]


NO_FILTERS = HomeFilters()


def home(resources: list[ResourceView], filters: HomeFilters = NO_FILTERS, **more: object) -> dict:
    view = HomeView(counts={Status.DETECTED: len(resources)}, open_resources=resources, filters=filters)
    return render_home(replace(view, **more))  # type: ignore[arg-type]


def shown_ids(payload: dict) -> list[str]:
    """The resources a home shows, in order (by their buttons' block ids)."""
    prefix = f"{Block.RESOURCE_ACTIONS}-"
    return [b["block_id"][len(prefix):] for b in payload["blocks"] if b.get("block_id", "").startswith(prefix)]


def context_texts(payload: dict) -> str:
    return " ".join(e["text"] for b in payload["blocks"] if b["type"] == "context" for e in b["elements"])


def element(payload: dict, action: Action) -> dict:
    [found] = [e for b in payload["blocks"] for e in ([b["element"]] if "element" in b else b.get("elements", []))
               if e.get("action_id") == action]
    return found


# Selection


def test_pages_are_fixed_size_oldest_first_and_a_page_past_the_end_is_the_last() -> None:
    items = entries(backlog(45))
    first = select_page(list(reversed(items)), HomeFilters())
    assert [e.short_id for e in first.entries] == [f"r-{i:012d}" for i in range(20)]
    assert (first.number, first.pages, first.first, first.last, first.matching, first.total, first.after) == (
        1, 3, 1, 20, 45, 45, 25)
    second = select_page(items, HomeFilters(page=2))
    assert (second.first, second.last, second.after) == (21, 40, 5)
    assert second.entries[0].short_id == f"r-{20:012d}"
    for past in (3, 4, 999):
        last = select_page(items, HomeFilters(page=past))
        assert (last.number, last.first, last.last, last.after) == (3, 41, 45, 0)
    assert select_page(items, HomeFilters(page=-5)).number == 1
    empty = select_page([], HomeFilters(page=7))
    assert (empty.number, empty.pages, empty.first, empty.last, empty.entries) == (1, 1, 0, 0, ())
    # A resource handed over twice counts once.
    assert select_page(items + items[:5], HomeFilters()).total == 45


def test_each_filter_narrows_and_they_combine() -> None:
    items = entries(backlog(45))

    def ids(filters: HomeFilters) -> set[int]:
        page = select_page(items, replace(filters, page=1), page_size=100)
        return {int(e.short_id[2:]) for e in page.entries}

    assert ids(HomeFilters(tf_type="aws_instance")) == {i for i in range(45) if i % 3 == 1}
    assert ids(HomeFilters(account="222222222222")) == {i for i in range(45) if i % 2 == 1}
    assert ids(HomeFilters(region="us-east-1")) == {i for i in range(45) if i % 2 == 0}
    assert ids(HomeFilters(source="reconcile")) == {i for i in range(45) if i % 4 == 3}
    assert ids(HomeFilters(tf_type="aws_instance", source="scan")) == {
        i for i in range(45) if i % 3 == 1 and i % 4 in (1, 2)}
    # The name filter: part of the name, the import ID or the tfsync id, in any case.
    assert ids(HomeFilters(name="RES-01")) == set(range(10, 20))
    assert ids(HomeFilters(name="000000000044")) == {44}
    assert ids(HomeFilters(name="nothing-like-it")) == set()
    assert ids(HomeFilters(tf_type="aws_nothing")) == set()


def test_a_filter_change_goes_to_page_1_and_counts_a_revision() -> None:
    filters = HomeFilters(page=4, revision=2)
    typed = filters.narrowed("tf_type", "aws_instance")
    assert (typed.tf_type, typed.page, typed.revision) == ("aws_instance", 1, 3)
    named = typed.at_page(3).narrowed("name", "  logs ")
    assert (named.tf_type, named.name, named.page, named.revision) == ("aws_instance", "logs", 1, 4)
    assert named.narrowed("name", None).name == ""
    assert named.at_page(0).page == 1 and named.at_page(5).revision == 4  # paging is no filter change
    assert named.cleared() == HomeFilters(revision=5) and not named.cleared().active
    with pytest.raises(ValueError, match="not a home filter"):
        filters.narrowed("page", "2")


def test_menus_count_the_whole_backlog_largest_first() -> None:
    items = entries(backlog(45))
    kinds, accounts, regions, sources = facets(items, HomeFilters(tf_type="aws_instance"))
    assert [(o.value, o.count) for o in kinds.options] == [
        ("aws_instance", 15), ("aws_s3_bucket", 15), ("aws_sqs_queue", 15)]
    assert kinds.selected is not None and kinds.selected.value == "aws_instance"
    assert [(o.value, o.count) for o in sources.options] == [("scan", 22), ("event", 12), ("reconcile", 11)]
    assert sources.selected is None and kinds.clipped == 0
    assert [(o.label, o.count) for o in accounts.options] == [("111111111111", 23), ("222222222222", 22)]
    assert [(o.value, o.count) for o in regions.options] == [("us-east-1", 23), ("eu-west-1", 22)]
    aliased = [replace(e, account_alias="prod") for e in items]
    assert {o.label for o in facets(aliased, HomeFilters())[1].options} == {"prod (111111111111)",
                                                                           "prod (222222222222)"}
    assert option_text("aws_s3_bucket", 20) == "aws_s3_bucket (20)"


def test_a_menu_keeps_the_99_largest_and_the_one_chosen_and_says_so() -> None:
    # 150 types, type i having i + 1 resources: the menu keeps "any" and the 99 largest.
    items = [
        OpenEntry(short_id=f"r-t{t:03d}n{n:04d}", tf_type=f"aws_type_{t:03d}", account_id="111111111111",
                  region="us-east-1", detected_at=WHEN)
        for t in range(150) for n in range(t + 1)
    ]
    [kinds, *_] = facets(items, HomeFilters())
    assert len(kinds.options) == 99 and kinds.distinct == 150 and kinds.clipped == 51
    assert kinds.options[0].value == "aws_type_149" and kinds.options[-1].value == "aws_type_051"
    # A small type once chosen stays on the menu, in the last place, so the menu shows what is chosen.
    [chosen, *_] = facets(items, HomeFilters(tf_type="aws_type_003"))
    assert len(chosen.options) == 99 and chosen.options[-1].value == "aws_type_003" and chosen.options[-1].count == 4
    # One no longer in the backlog stays too, with no resource.
    [gone, *_] = facets(items, HomeFilters(tf_type="aws_type_gone"))
    assert gone.selected is not None and gone.selected.count == 0

    views = [bucket(short_id=e.short_id, tf_type=e.tf_type, event_time=WHEN) for e in items[:PAGE_SIZE * 2]]
    payload = render_home(HomeView(counts={}, open_resources=views, open_entries=items,
                                   filters=HomeFilters(tf_type="aws_type_003")))
    assert_view(payload, "home")
    select = element(payload, Action.HOME_TYPE_CHOOSE)
    assert len(select["options"]) == limits.SELECT_OPTIONS
    assert select["options"][0] == {"text": {"type": "plain_text", "text": f"Any type ({len(items)})"}, "value": ANY}
    assert select["initial_option"]["text"]["text"] == "aws_type_003 (4)"
    assert "Type lists 99 of the 150 types, largest first." in context_texts(payload)
    assert shown_ids(payload) == [e.short_id for e in items if e.tf_type == "aws_type_003"]


# Rendering


def test_the_home_pages_through_the_backlog_with_its_numbers_and_buttons() -> None:
    resources = backlog(45)
    first = home(resources)
    assert_view(first, "home", USER_IDS)
    assert shown_ids(first) == [f"r-{i:012d}" for i in range(20)]
    assert "Page 1 of 3 (resources 1\u201320 of 45)" in context_texts(first)
    assert "…and 25 more; `/tfsync list` shows them all." in context_texts(first)
    assert "*Open resources* (45), oldest first" in json.dumps(first["blocks"], ensure_ascii=False)
    assert element(first, Action.HOME_PAGE_NEXT)["value"] == "2"
    assert Action.HOME_PAGE_PREVIOUS not in action_ids(first)

    second = home(resources, HomeFilters(page=2))
    assert shown_ids(second) == [f"r-{i:012d}" for i in range(20, 40)]
    assert "Page 2 of 3 (resources 21\u201340 of 45)" in context_texts(second)
    assert element(second, Action.HOME_PAGE_PREVIOUS)["value"] == "1"
    assert element(second, Action.HOME_PAGE_NEXT)["value"] == "3"

    past = home(resources, HomeFilters(page=12))
    assert shown_ids(past) == [f"r-{i:012d}" for i in range(40, 45)]
    assert "Page 3 of 3 (resources 41\u201345 of 45)" in context_texts(past) and "more;" not in context_texts(past)
    assert Action.HOME_PAGE_NEXT not in action_ids(past) and element(past, Action.HOME_PAGE_PREVIOUS)["value"] == "2"
    # Every resource keeps its decisions.
    assert action_ids(second).count(Action.RESOURCE_ADOPT) == PAGE_SIZE
    assert action_ids(past).count(Action.RESOURCE_IGNORE) == 5


def test_filtered_the_numbers_count_what_matches() -> None:
    payload = home(backlog(45), HomeFilters(tf_type="aws_instance", page=1, revision=1))
    assert_view(payload, "home")
    assert shown_ids(payload) == [f"r-{i:012d}" for i in range(45) if i % 3 == 1]
    text = json.dumps(payload["blocks"], ensure_ascii=False)
    assert "*Open resources* (45), oldest first · 15 match the filters" in text
    assert "Page" not in context_texts(payload)  # 15 fit one page
    assert Action.HOME_FILTERS_CLEAR in action_ids(payload)
    assert element(payload, Action.HOME_TYPE_CHOOSE)["initial_option"]["value"] == "aws_instance"
    nothing = home(backlog(45), HomeFilters(name="no-such-name", revision=1))
    assert_view(nothing, "home")
    assert "No open resource matches these filters" in context_texts(nothing)
    assert element(nothing, Action.HOME_NAME_SET)["initial_value"] == "no-such-name"


def test_the_filter_bar_shows_once_the_backlog_passes_a_page_or_a_filter_is_set() -> None:
    small = home(backlog(PAGE_SIZE))
    assert not {Action.HOME_TYPE_CHOOSE, Action.HOME_NAME_SET, Action.HOME_PAGE_NEXT} & set(action_ids(small))
    big = home(backlog(PAGE_SIZE + 1))
    assert {Action.HOME_TYPE_CHOOSE, Action.HOME_ACCOUNT_CHOOSE, Action.HOME_REGION_CHOOSE,
            Action.HOME_SOURCE_CHOOSE, Action.HOME_NAME_SET, Action.HOME_PAGE_NEXT} <= set(action_ids(big))
    assert Action.HOME_FILTERS_CLEAR not in action_ids(big)  # nothing to clear
    assert Action.HOME_TYPE_CHOOSE in action_ids(home(backlog(3), HomeFilters(region="eu-west-1", revision=1)))
    # The name input sends its text when the person presses Enter.
    name_block = next(b for b in big["blocks"] if b["type"] == "input")
    assert name_block["dispatch_action"] is True
    assert name_block["element"]["dispatch_action_config"] == {"trigger_actions_on": ["on_enter_pressed"]}


def test_the_bar_changes_its_block_ids_with_each_filter_change() -> None:
    """So Slack's client drops what was picked or typed in the old bar and shows what the new view says."""
    def ids(revision: int) -> list[str]:
        payload = home(backlog(30), HomeFilters(revision=revision))
        return [b["block_id"] for b in payload["blocks"] if b.get("block_id", "").startswith("tfsync-home-")]

    assert ids(0) == [Block.HOME_FILTERS_A, Block.HOME_NAME_A, Block.HOME_PAGES]
    assert ids(1) == [Block.HOME_FILTERS_B, Block.HOME_NAME_B, Block.HOME_PAGES]


def test_each_line_shows_the_size_facts_once(monkeypatch: pytest.MonkeyPatch) -> None:
    sized = bucket(tf_type="aws_instance", facts=(("instance type", "t3.micro"), ("storage", "20 GiB gp3")))
    # With the summary line as it is (it may show the facts itself): each fact once, after the summary.
    line = home_module.resource_line(sized)
    assert line.startswith(summary_line(sized)) and line.count("t3.micro") == 1 and line.count("20 GiB gp3") == 1
    assert home_module.resource_line(bucket()) == summary_line(bucket())
    # A summary line without them: they are added.
    monkeypatch.setattr(home_module, "summary_line", lambda r, **_: Mrkdwn("{}").format(r.short_id))
    assert home_module.resource_line(sized) == "r-k3v9q2mzt7ab · instance type `t3.micro`, storage `20 GiB gp3`"
    # One that shows them (even cut short): not added again.
    monkeypatch.setattr(home_module, "summary_line", lambda r, **_: Mrkdwn("x · t3.micro · 20 GiB g…"))
    assert home_module.resource_line(sized) == "x · t3.micro · 20 GiB g…"


def test_a_full_page_with_everything_else_at_its_largest_fits_100_blocks() -> None:
    assert HOME_BLOCKS_MAX <= limits.VIEW_BLOCKS
    items = [
        OpenEntry(short_id=f"r-{i:012d}", tf_type=f"aws_type_{i % 120:03d}", account_id=f"{i % 130:012d}",
                  region=f"region-{i % 110}", source="scan", name=f"n{i}", detected_at=WHEN + timedelta(seconds=i))
        for i in range(600)
    ]
    views = {e.short_id: bucket(short_id=e.short_id, name=e.name * 500, event_time=e.detected_at) for e in items}
    filters = HomeFilters(source="scan", name="n", page=3, revision=1)
    page = select_page(items, filters)
    payload = render_home(HomeView(
        counts={Status.DETECTED: 600}, open_resources=[views[e.short_id] for e in page.entries], open_entries=items,
        filters=filters, recent=[ActivityView(v, WHEN, Status.DETECTED) for v in views.values()],
        routing_rules=[RoutingRuleView("C0ALL", default=True)] * 300,
        ignore_rules=[IgnoreRuleView(f"rule-{i}", "type", "x" * 500) for i in range(300)],
    ))
    assert_view(payload, "home")
    assert len(payload["blocks"]) <= limits.VIEW_BLOCKS
    assert shown_ids(payload) == [e.short_id for e in page.entries] and len(page.entries) == PAGE_SIZE
    notes = context_texts(payload)
    assert "Type lists 99 of the 120 types, largest first." in notes
    assert "Account lists 99 of the 130 accounts, largest first." in notes
    assert "Page 3 of 30 (resources 41\u201360 of 600 matching)" in notes


def test_given_entries_the_views_of_the_page_are_enough() -> None:
    """The adapter hands every open resource as an entry and views only for the page: the same tab."""
    resources = backlog(45)
    filters = HomeFilters(source="scan", page=2, revision=1)
    everything = home(resources, filters)
    page = select_page(entries(resources), filters)
    by_id = {r.short_id: r for r in resources}
    paged = render_home(HomeView(counts={Status.DETECTED: 45}, open_resources=[by_id[e.short_id] for e in page.entries],
                                 open_entries=entries(resources), filters=filters))
    assert paged == everything
    assert "Page 2 of 2 (resources 21\u201322 of 22 matching)" in context_texts(paged)


# Hostile values


def test_filter_values_and_names_from_outside_are_made_safe() -> None:
    assert filter_value("aws_s3_bucket") == "aws_s3_bucket" and filter_value("111122223333") == "111122223333"
    hostile = filter_value("<!channel> `x`")
    assert hostile.startswith("h:") and len(hostile) == 34 and filter_value("") != filter_value(" ")
    assert filter_value("x" * 151).startswith("h:") and filter_value(ANY).startswith("h:")
    assert chosen_value(ANY) is None and chosen_value("aws_instance") == "aws_instance"
    assert chosen_value("<!here>") is None and chosen_value(None) is None and chosen_value("y" * 151) is None
    assert clean_name("  <!channel> logs\u202e\x00 ") == "!channel logs"
    assert clean_name(None) == "" and clean_name(42) == ""
    long = clean_name("😀" * 200)
    assert slack_len(long) == NAME_FILTER_MAX
    text = option_text("&<>" * 40, 1234)
    assert text.endswith(" (1234)") and slack_len(text.replace("&", "&amp;").replace("<", "&lt;")
                                                   .replace(">", "&gt;")) <= limits.OPTION_TEXT


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    st.lists(resources(status=Status.DETECTED), min_size=1, max_size=30, unique_by=lambda r: r.short_id),
    hostile_text, st.integers(-3, 10), st.booleans(),
)
def test_hostile_backlogs_and_filters_render_valid_homes(
    items: list[ResourceView], text: str, page: int, pick: bool,
) -> None:
    # Types, accounts, regions and names full of markup, as filters too: the menu values stay plain.
    items = [replace(r, source=("event", "scan", text)[i % 3]) for i, r in enumerate(items)]
    chosen = filter_value(items[0].tf_type) if pick else None
    filters = HomeFilters(tf_type=chosen, account=filter_value(items[-1].account_id), name=text, page=page,
                          revision=page % 2)
    for current in (filters, HomeFilters(page=page), HomeFilters(region=filter_value(text), page=page)):
        payload = home(items, current)
        assert_view(payload, "home", USER_IDS)
        assert len(payload["blocks"]) <= limits.VIEW_BLOCKS
    # The first resource is found by its own type and account.
    found = select_page(entries(items), HomeFilters(tf_type=filter_value(items[0].tf_type),
                                                    account=filter_value(items[0].account_id)), page_size=100)
    assert items[0].short_id in {e.short_id for e in found.entries}
