"""The App Home tab: counts by status, the open resources (filtered and paged per person) with their buttons, recent
activity, rules.

A scan puts hundreds of resources into the backlog at once, so each person narrows the open resources with a filter
bar (type, account, region, what found them, part of a name) and pages through them, PAGE_SIZE at a time, oldest
first. The selection is pure (`select_page`, `facet_menu`): the Slack adapter runs it on every open resource's
`OpenEntry` and builds full views only for the page it shows.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from renderers.slack import blocks as bk
from renderers.slack import limits
from renderers.slack.blocks import Payload
from renderers.slack.commands import count_fields, rules_blocks
from renderers.slack.ids import Action, Block
from renderers.slack.resource import STATUS_WORDS, actions_block, label_of, pack_lines, summary_line
from renderers.slack.text import Mrkdwn, as_utc, code, date, esc, slack_len, visible, who
from renderers.slack.viewdata import ActivityView, HomeFilters, HomeView, OpenEntry, ResourceView

RECENT_SHOWN = 15
RULE_BLOCKS = 8  # headings plus packed lines for routing and ignore rules
RECENT_BLOCKS = 3
# A fixed page size, not "as many as fit": page 3 is the same resources however many rules or activity lines the
# tab shows today, and "resources 41-60" means what it says. Each resource takes two blocks (its line, its buttons),
# so a page takes 40 of the tab's 100 blocks, and everything else on the tab fits beside it (see HOME_BLOCKS_MAX).
PAGE_SIZE = 20
NAME_FILTER_MAX = 100  # characters of the name filter
FACTS_SHOWN = 4
ANY = "*"  # the option value of "any type" (and account, region, source): no filter
# The tab's blocks at most: header, counts, divider, open heading (4); filter bar, name input, note on clipped menus
# (3); the page (2 * PAGE_SIZE); page line, pager (2); recent activity (3 + RECENT_BLOCKS); rules (1 + RULE_BLOCKS).
HOME_BLOCKS_MAX = 4 + 3 + 2 * PAGE_SIZE + 2 + 2 + RECENT_BLOCKS + 1 + RULE_BLOCKS

_ENTITY = re.compile("&(amp|lt|gt);")
# What a filter value may hold to be an option's value as it is: every real type, account id, region and source.
_PLAIN_VALUE = re.compile(r"[A-Za-z0-9_.:@/+=,()-]{1,150}\Z")
_UNESCAPE = {"amp": "&", "lt": "<", "gt": ">"}


def activity_line(item: ActivityView) -> Mrkdwn:
    r = item.resource
    source = Mrkdwn("{} → ").format(STATUS_WORDS[item.from_status]) if item.from_status else Mrkdwn("")
    return Mrkdwn("{} · {} · {} {} {} · {}{}").format(
        date(item.at, "{date_short} {time}"), who(item.actor or "tfsync", item.user_id, 80), code(r.short_id, 70),
        esc(label_of(r), 60), code(r.display_name, 80), source, STATUS_WORDS[item.to_status],
    )


# Selection: pure, on entries ---------------------------------------------------------------------------------------


def entry_of(resource: ResourceView) -> OpenEntry:
    """A view's entry, for callers that hand over every open resource as a view."""
    return OpenEntry(
        short_id=resource.short_id, tf_type=resource.tf_type, account_id=resource.account_id, region=resource.region,
        source=resource.source, name=resource.name, import_id=resource.import_id, detected_at=resource.event_time,
        account_alias=resource.account_alias,
    )


def entry_order(entry: OpenEntry) -> tuple[int, float, str]:
    """Oldest first (as the resource lines' age_key), those with no time last, then by id: a stable page order."""
    moment = as_utc(entry.detected_at).timestamp() if entry.detected_at else 0.0
    return (0 if entry.detected_at else 1, moment, entry.short_id)


def filter_value(value: str) -> str:
    """A type, account, region or source as a menu option's value and a filter holds it: itself, or (for anything
    that is not plain, only ever hostile) a digest of it, so no outside text reaches a value Slack sends back."""
    if _PLAIN_VALUE.match(value):
        return value
    return "h:" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def chosen_value(value: object) -> str | None:
    """The filter a menu's selected value sets: None for "any" and for anything no menu offers."""
    if not isinstance(value, str) or value == ANY or not _PLAIN_VALUE.match(value):
        return None
    return value


def clean_name(text: object) -> str:
    """The name filter as typed, made safe to show again in the input: visible characters, without `<` and `>`,
    at most NAME_FILTER_MAX long."""
    if not isinstance(text, str):
        return ""
    cleaned = visible(text).replace("<", "").replace(">", "").replace("\ufffd", "").strip()
    out, used = [], 0
    for char in cleaned:
        used += slack_len(char)
        if used > NAME_FILTER_MAX:
            break
        out.append(char)
    return "".join(out).strip()


def matches(entry: OpenEntry, filters: HomeFilters) -> bool:
    wanted = (
        (filters.tf_type, entry.tf_type), (filters.account, entry.account_id), (filters.region, entry.region),
        (filters.source, entry.source),
    )
    if any(chosen is not None and filter_value(value) != chosen for chosen, value in wanted):
        return False
    name = clean_name(filters.name).casefold()
    return not name or any(name in text.casefold() for text in (entry.name, entry.import_id, entry.short_id))


@dataclass(frozen=True, slots=True)
class HomePage:
    """One page of the open resources that pass the filters."""

    entries: tuple[OpenEntry, ...]
    number: int  # 1-based, within 1..pages
    pages: int  # at least 1
    matching: int  # open resources that pass the filters
    total: int  # open resources

    @property
    def first(self) -> int:
        """The 1-based position of the page's first resource among the matching ones; 0 when there are none."""
        return (self.number - 1) * PAGE_SIZE + 1 if self.entries else 0

    @property
    def last(self) -> int:
        return self.first + len(self.entries) - 1 if self.entries else 0

    @property
    def after(self) -> int:
        """Matching resources on later pages."""
        return self.matching - self.last if self.entries else 0


def unique_entries(entries: Iterable[OpenEntry]) -> list[OpenEntry]:
    seen: set[str] = set()
    out = []
    for entry in entries:
        if entry.short_id not in seen:
            seen.add(entry.short_id)
            out.append(entry)
    return out


def select_page(entries: Sequence[OpenEntry], filters: HomeFilters, page_size: int = PAGE_SIZE) -> HomePage:
    """The page `filters.page` of the entries that pass the filters, oldest first; a page past the end is the last."""
    every = unique_entries(entries)
    matching = sorted((e for e in every if matches(e, filters)), key=entry_order)
    pages = max(1, math.ceil(len(matching) / page_size))
    number = min(max(1, filters.page), pages)
    start = (number - 1) * page_size
    return HomePage(tuple(matching[start:start + page_size]), number, pages, len(matching), len(every))


@dataclass(frozen=True, slots=True)
class FacetOption:
    value: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class Facet:
    """One filter's menu: what the open backlog holds for it, largest first, as many as a select offers."""

    action: Action
    noun: str  # "type", for "Any type" and the note on a clipped menu
    placeholder: str
    options: tuple[FacetOption, ...]  # without "any"
    distinct: int  # values in the backlog (options may hold fewer)
    selected: FacetOption | None  # the current filter, always among the options

    @property
    def clipped(self) -> int:
        """Values of the backlog the menu leaves out (the smallest)."""
        return self.distinct - sum(1 for o in self.options if o.count > 0)


def facet_menu(
    entries: Sequence[OpenEntry], action: Action, noun: str, placeholder: str, key: Callable[[OpenEntry], str],
    selected: str | None, label: Callable[[OpenEntry], str] | None = None,
) -> Facet:
    """The menu of one filter from every open resource (counts over the whole backlog, not narrowed by the other
    filters, so a count is what picking it shows with nothing else set). Slack takes 100 options: "any" and the 99
    largest; the one selected always stays (with its count, 0 once none is open)."""
    counts: Counter[str] = Counter()
    labels: dict[str, str] = {}
    for entry in unique_entries(entries):
        value = filter_value(key(entry))
        counts[value] += 1
        labels.setdefault(value, (label(entry) if label else key(entry)).strip() or "(none)")
    ranked = sorted(counts.items(), key=lambda vn: (-vn[1], vn[0]))
    room = limits.SELECT_OPTIONS - 1
    kept = [FacetOption(v, labels[v], n) for v, n in ranked[:room]]
    chosen: FacetOption | None = None
    if selected is not None:
        chosen = next((o for o in kept if o.value == selected), None)
        if chosen is None:
            chosen = FacetOption(selected, labels.get(selected, selected), counts.get(selected, 0))
            kept = [*kept[: room - 1], chosen]
    return Facet(action, noun, placeholder, tuple(kept), len(counts), chosen)


def facets(entries: Sequence[OpenEntry], filters: HomeFilters) -> list[Facet]:
    def account_label(entry: OpenEntry) -> str:
        return f"{entry.account_alias} ({entry.account_id})" if entry.account_alias else entry.account_id

    return [
        facet_menu(entries, Action.HOME_TYPE_CHOOSE, "type", "Type", lambda e: e.tf_type, filters.tf_type),
        facet_menu(entries, Action.HOME_ACCOUNT_CHOOSE, "account", "Account", lambda e: e.account_id,
                   filters.account, account_label),
        facet_menu(entries, Action.HOME_REGION_CHOOSE, "region", "Region", lambda e: e.region, filters.region),
        facet_menu(entries, Action.HOME_SOURCE_CHOOSE, "source", "Found by", lambda e: e.source, filters.source),
    ]


# Rendering ---------------------------------------------------------------------------------------------------------


def _plain_within(text: str, budget: int) -> str:
    """`text` cut so that its plain_text form (escaped) is at most `budget` long."""
    escaped = str(esc(text, budget))
    return _ENTITY.sub(lambda m: _UNESCAPE[m.group(1)], escaped)


def option_text(label: str, count: int) -> str:
    """"aws_s3_bucket (20)": the label cut where it must be, the count always whole."""
    suffix = f" ({count})"
    return _plain_within(label, limits.OPTION_TEXT - len(suffix)) + suffix


def _option(item: FacetOption) -> Payload:
    return bk.option(option_text(item.label, item.count), item.value)


def facet_select(facet: Facet, total: int) -> Payload:
    options = [bk.option(option_text(f"Any {facet.noun}", total), ANY), *(_option(o) for o in facet.options)]
    initial = _option(facet.selected) if facet.selected is not None else None
    return bk.static_select(facet.action, options, initial=initial, placeholder=facet.placeholder)


def _variant(filters: HomeFilters, first: Block, second: Block) -> Block:
    """One of a block's two ids, changing with each change of the filters."""
    return first if filters.revision % 2 == 0 else second


def name_input(filters: HomeFilters) -> Payload:
    """The name filter: applied when the person presses Enter (dispatch_action), on a view with no Submit."""
    element = bk.plain_text_input(
        Action.HOME_NAME_SET, initial_value=clean_name(filters.name) or None,
        placeholder="Part of a name, import ID or tfsync id; Enter to filter", max_length=NAME_FILTER_MAX,
    )
    element["dispatch_action_config"] = {"trigger_actions_on": ["on_enter_pressed"]}
    block = bk.input_block("Name", element, _variant(filters, Block.HOME_NAME_A, Block.HOME_NAME_B), optional=True)
    block["dispatch_action"] = True
    return block


def filter_blocks(entries: Sequence[OpenEntry], filters: HomeFilters, total: int) -> list[Payload]:
    """The filter bar: a menu per filter and Clear filters, the name input, and a note on any menu cut to 100."""
    menus = facets(entries, filters)
    elements = [facet_select(f, total) for f in menus]
    if filters.active:
        elements.append(bk.button("Clear filters", Action.HOME_FILTERS_CLEAR, value="clear"))
    out = [bk.actions(elements, str(_variant(filters, Block.HOME_FILTERS_A, Block.HOME_FILTERS_B))),
           name_input(filters)]
    notes = [
        Mrkdwn("{} lists {} of the {} {}s, largest first.").format(
            f.placeholder, sum(1 for o in f.options if o.count > 0), f.distinct, f.noun)
        for f in menus if f.clipped > 0
    ]
    if notes:
        out.append(bk.context(Mrkdwn(" ").join(notes)))
    return out


def page_line(page: HomePage, filters: HomeFilters) -> Mrkdwn:
    """"Page 2 of 7 (resources 21-40 of 135)", with an en dash."""
    matching = f"{page.matching} matching" if filters.active else str(page.matching)
    return Mrkdwn(f"Page {page.number} of {page.pages} (resources {page.first}\u2013{page.last} of {matching})")


def pager(page: HomePage) -> Payload | None:
    """Previous and Next, each carrying the page it goes to (two clicks on one button go to one page)."""
    buttons = []
    if page.number > 1:
        buttons.append(bk.button("← Previous page", Action.HOME_PAGE_PREVIOUS, value=str(page.number - 1)))
    if page.number < page.pages:
        buttons.append(bk.button("Next page →", Action.HOME_PAGE_NEXT, value=str(page.number + 1)))
    return bk.actions(buttons, str(Block.HOME_PAGES)) if buttons else None


def _facts_shown(line: Mrkdwn, facts: Sequence[tuple[str, str]]) -> bool:
    """Whether the line already shows each fact's value (its start: a line may cut a long value short)."""
    return all(str(esc(value))[:8] in line for _, value in facts)


def resource_line(resource: ResourceView) -> Mrkdwn:
    """The resource's summary line, with its size facts when the summary does not already show them."""
    line = summary_line(resource)
    facts = [(label, value) for label, value in resource.facts if value.strip()][:FACTS_SHOWN]
    if not facts or _facts_shown(line, facts):
        return line
    shown = Mrkdwn(", ").join(Mrkdwn("{} {}").format(esc(label, 40), code(value, 60)) for label, value in facts)
    return line + Mrkdwn(" · ") + shown


def resource_rows(resources: Sequence[ResourceView], room: int) -> list[Payload]:
    rows: list[Payload] = []
    for resource in resources:
        pair = [bk.section(resource_line(resource))]
        buttons = actions_block(resource, scoped_id=True)
        if buttons:
            pair.append(buttons)
        if len(rows) + len(pair) > room:
            break
        rows += pair
    return rows


def open_blocks(view: HomeView, room: int) -> list[Payload]:
    """The open resources section: heading, filter bar, the page's resources, the pager."""
    filters = view.filters
    entries = list(view.open_entries) if view.open_entries is not None else [entry_of(r) for r in view.open_resources]
    page = select_page(entries, filters)
    # Open resources the caller counted but handed over neither as entries nor as views.
    unlisted = max(0, (view.open_total or 0) - page.total) if view.open_entries is None else 0
    heading = Mrkdwn("*Open resources* ({}), oldest first").format(page.total + unlisted)
    if filters.active:
        heading += Mrkdwn(" · {} match the filters").format(page.matching)
    out = [bk.section(heading)]
    if page.total > PAGE_SIZE or filters.active:
        # A backlog that fits one page needs no filters; a person who has set some keeps them in sight.
        out += filter_blocks(entries, filters, page.total)
    by_id = {r.short_id: r for r in view.open_resources}
    shown = [by_id[e.short_id] for e in page.entries if e.short_id in by_id]
    tail: list[Payload] = []
    more = page.after + unlisted
    if page.total + unlisted == 0:
        tail.append(bk.context(Mrkdwn(":tada: Nothing waiting: every resource is in Terraform or decided.")))
    elif page.matching == 0:
        tail.append(bk.context(Mrkdwn("No open resource matches these filters. *Clear filters* shows them all.")))
    else:
        notes = [page_line(page, filters)] if page.pages > 1 else []
        if more > 0 and not filters.active:
            notes.append(Mrkdwn(f"…and {more} more; `/tfsync list` shows them all."))
        if notes:
            tail.append(bk.context(*notes))
        buttons = pager(page)
        if buttons:
            tail.append(buttons)
    rows = resource_rows(shown, room - len(out) - len(tail))
    return [*out, *rows, *tail]


def render_home(view: HomeView) -> Payload:
    """The whole App Home view for views.publish."""
    top = [
        bk.header("tfsync"),
        bk.section(fields=count_fields(view.counts)),
        bk.divider(),
    ]
    recent_lines = [activity_line(a) for a in sorted(view.recent, key=lambda a: a.at, reverse=True)[:RECENT_SHOWN]]
    tail: list[Payload] = [bk.divider(), bk.section(Mrkdwn("*Recent activity*"))]
    tail += pack_lines(recent_lines, max_blocks=RECENT_BLOCKS, what="changes") or [
        bk.context(Mrkdwn("Nothing has happened yet."))
    ]
    tail.append(bk.divider())
    tail += rules_blocks(view.routing_rules, view.ignore_rules, max_blocks=RULE_BLOCKS)
    # A page always fits (HOME_BLOCKS_MAX); the room is checked all the same, so no input can pass 100 blocks.
    middle = open_blocks(view, limits.VIEW_BLOCKS - len(top) - len(tail))
    return bk.home([*top, *middle, *tail])
