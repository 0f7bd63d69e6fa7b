"""Scans and bulk decisions on the Slack side: the scan's digest in the channel, the words of `/tfsync scan`, and
`/tfsync bulk adopt|ignore <filters>` from its preview to its confirmed decision.

- **The digest.** `SlackScanObserver` is the engine's ScanObserver: once a scan is recorded it posts one message
  through the posting queue into the default channel (or, without one, the channel most of the scan's new records
  route to). Best effort: the records are stored before it is told, and a Slack failure is only logged.
- **Bulk decisions.** A bulk command picks from the resources waiting for a decision (status detected) with the
  engine's Selection, and answers with a preview and a confirm button. The button carries the command, how many it
  picked and a digest of their ids; the click picks again with the same filters and acts only when the very same
  resources are picked, else it shows the new preview. Adopting goes through DecisionService.adopt_many (one job,
  one pull request, in one account), ignoring through ignore_many (each resource on its own).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.backlog import ScanOutcome, Selection
from bot.catalog import CATALOG
from bot.codegen import CodegenError, parse_module_path
from bot.decisions import MAX_BULK, IgnoreChoice
from bot.errors import UserFacingError
from bot.rules import IgnoreScope
from bot.scan import ScanRequest
from bot.state import ResourceRecord, Status
from renderers.slack import render_bulk_preview, render_bulk_result, render_bulk_usage, render_scan_digest
from renderers.slack.scan import DIGEST_CHARS, MAX_COMMAND, bulk_value, parse_bulk_value, picked_digest
from renderers.slack.viewdata import BulkPreviewView, BulkResultView, ModuleView
from slack_adapters.errors import NotAuthorized
from slack_adapters.posting import PostingQueue
from slack_adapters.presenters import ROOT_MODULE, AccountNames, bulk_item, scan_digest_view
from slack_adapters.routing import Router
from slack_adapters.services import SlackServices
from slack_adapters.users import slack_actor

logger = logging.getLogger(__name__)

REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d{1,2}\Z")
ACCOUNT = re.compile(r"\d{12}\Z")
MAX_IGNORE_DAYS = 3_650
ONLY_ADMINS_SCAN = ("Only tfsync admins can start a scan: a scan of every account and region costs many API calls. "
                    "Ask one of them.")
ONLY_ADMINS_BULK_IGNORE = ("Only tfsync admins can ignore resources in bulk. Ask one of them, or ignore resources "
                           "one by one.")
BULK_USAGE = "A bulk command is adopt or ignore, then filters."


# The digest ------------------------------------------------------------------------------------------------------


class _Aliases:
    """Account names from the settings alone, when no AccountAccess is at hand."""

    def __init__(self, aliases: dict[str, str]) -> None:
        self.aliases = aliases

    def alias(self, account_id: str) -> str | None:
        return self.aliases.get(account_id)

    def known_reachable(self, account_id: str) -> bool | None:
        return None


class SlackScanObserver:
    """Posts a recorded scan's digest (bot.backlog.ScanObserver); a failure here changes nothing stored."""

    def __init__(self, poster: PostingQueue, router: Router, *, accounts: AccountNames | None = None,
                 modules: Sequence[str] = ()) -> None:
        self.poster = poster
        self.router = router
        self.accounts = accounts
        self.modules = tuple(modules)

    @classmethod
    def for_services(cls, services: SlackServices) -> SlackScanObserver:
        """The observer the composition root hands to the ScanService: the notifier's posting queue and router."""
        accounts = services.notifier.publisher.accounts or _Aliases(dict(services.settings.account_aliases))
        return cls(services.notifier.poster, services.router, accounts=accounts,
                   modules=services.settings.target_modules)

    def channel_for(self, outcome: ScanOutcome) -> str | None:
        """The default channel; without one, the channel most of the scan's new records route to."""
        if self.router.default_channel:
            return self.router.default_channel
        routed = Counter(c for c in (self.router.channel_for(r) for r in outcome.new) if c)
        return routed.most_common(1)[0][0] if routed else None

    async def scan_recorded(self, outcome: ScanOutcome) -> None:
        channel = self.channel_for(outcome)
        if channel is None:
            logger.warning("scan %s: no default channel for its digest (%s)", outcome.scan_id, outcome.describe())
            return
        try:
            payload = render_scan_digest(scan_digest_view(outcome, accounts=self.accounts, modules=self.modules))
            await self.poster.send(channel, "chat.postMessage", **payload)
        except Exception:
            logger.exception("the digest of scan %s could not be posted in %s", outcome.scan_id, channel)


# `/tfsync scan` --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScanWords:
    """What `/tfsync scan` was told: types, regions, accounts (each may be empty: the defaults)."""

    types: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> ScanWords | None:
        """Words recognised by their shape: a type (`aws_...`), a region code, a 12-digit account; None for any
        other word."""
        types: list[str] = []
        regions: list[str] = []
        accounts: list[str] = []
        for word in text.split():
            if word in CATALOG or word.startswith("aws_"):
                types.append(word)  # a type the catalog lacks is the ScanService's to refuse (UnknownType)
            elif REGION.match(word.lower()):
                regions.append(word.lower())
            elif ACCOUNT.match(word):
                accounts.append(word)
            else:
                return None
        return cls(*(tuple(dict.fromkeys(words)) for words in (types, regions, accounts)))


def describe_request(request: ScanRequest) -> str:
    """How a scan request reads: "aws_instance in eu-west-1 of account 123456789012"."""
    types = ", ".join(request.types) if request.types else "every type"
    regions = ", ".join(request.regions) if len(request.regions) <= 4 else f"{len(request.regions)} regions"
    if len(request.accounts) == 1:
        accounts = f"account {request.accounts[0]}"
    elif len(request.accounts) <= 3:
        accounts = "accounts " + ", ".join(request.accounts)
    else:
        accounts = f"{len(request.accounts)} accounts"
    return f"{types} in {regions} of {accounts}"


# Bulk decisions --------------------------------------------------------------------------------------------------


class BulkUsage(UserFacingError):
    """A bulk command that does not say what to pick, or how."""

    title = "Bulk decision not understood"


@dataclass(frozen=True, slots=True)
class BulkCommand:
    """`adopt <filters> [into <module>]` or `ignore <filters> [for N days]`, parsed; `text` is how it reads."""

    verb: str
    selection: Selection
    text: str
    module: str | None = None  # adopt: a configured module's path (None: the root module)
    days: int | None = None  # ignore: None for ever

    @classmethod
    def parse(cls, text: str, modules: Sequence[ModuleView] = ()) -> BulkCommand:
        """The command after `bulk`; BulkUsage for anything it cannot read."""
        words = text.split()
        if not words or words[0].lower() not in ("adopt", "ignore"):
            raise BulkUsage(BULK_USAGE)
        verb, words = words[0].lower(), words[1:]
        module: str | None = None
        days: int | None = None
        tail: list[str] = []
        if verb == "adopt":
            lowered = [w.lower() for w in words]
            if "into" in lowered:
                at = lowered.index("into")
                if len(words) != at + 2:
                    raise BulkUsage("Name one module after 'into', at the end, e.g. 'into module.network'.")
                module, words, tail = _module(words[at + 1], modules), words[:at], ["into", words[at + 1]]
            elif modules:
                module = modules[0].path
        else:
            days, words, tail = _duration(words)
        if len(text) > MAX_COMMAND:
            raise BulkUsage(f"That command is too long (at most {MAX_COMMAND} characters).")
        try:
            selection = Selection.parse(words)
        except ValueError as exc:
            raise BulkUsage(f"{exc}.") from exc
        if selection.empty:
            raise BulkUsage("Name at least one filter, so a bulk decision never takes everything.")
        canonical = " ".join([verb, *words, *tail])
        try:
            bulk_value(canonical, 10**6, "0" * DIGEST_CHARS)  # the confirm button must carry it back
        except ValueError as exc:
            raise BulkUsage("That command is too long to confirm with a button; shorten the filters.") from exc
        return cls(verb, selection, canonical, module, days)


def _module(word: str, modules: Sequence[ModuleView]) -> str | None:
    """The module `into` names: one of the configured modules when there are any (as the Adopt form offers)."""
    if word.lower() in (ROOT_MODULE, "root"):
        wanted: tuple[str, ...] = ()
    else:
        try:
            wanted = parse_module_path(word)
        except CodegenError as exc:
            raise BulkUsage(str(exc)) from exc
    if not modules:
        return word if wanted else None
    for module in modules:
        try:
            if parse_module_path(module.path) == wanted:
                return module.path
        except CodegenError:
            continue
    names = ", ".join(m.path for m in modules)
    raise BulkUsage(f"{word} is not one of the modules tfsync adopts into: {names}.")


def _duration(words: list[str]) -> tuple[int | None, list[str], list[str]]:
    """(days, the filter words, the words that said how long) from `... for N days`, `... for ever`, or nothing."""
    lowered = [w.lower() for w in words]
    if lowered[-1:] == ["forever"]:
        return None, words[:-1], ["forever"]
    if lowered[-2:] == ["for", "ever"]:
        return None, words[:-2], ["for", "ever"]
    if len(words) >= 3 and lowered[-3] == "for" and lowered[-1] in ("day", "days"):
        if not words[-2].isdigit() or not 1 <= int(words[-2]) <= MAX_IGNORE_DAYS:
            raise BulkUsage(f"Ignore for 1 to {MAX_IGNORE_DAYS} days, or for ever.")
        return int(words[-2]), words[:-3], ["for", words[-2], "days"]
    if "for" in lowered:
        raise BulkUsage("Say how long at the end: 'for 30 days', or 'for ever'.")
    return None, words, []


async def pick(services: SlackServices, command: BulkCommand) -> list[ResourceRecord]:
    """The resources waiting for a decision that the command's filters pick, oldest first."""
    return command.selection.pick(await services.repo.by_status(Status.DETECTED.value))


def refusal(command: BulkCommand, picked: Sequence[ResourceRecord]) -> str:
    """Why the picked resources cannot go as one bulk decision ("" when they can)."""
    if len(picked) > MAX_BULK:
        return (f"{len(picked)} resources match, and one bulk decision takes at most {MAX_BULK}. Narrow the filters "
                "(account=, region=, name=, tag=).")
    accounts = sorted({r.account_id for r in picked})
    if command.verb == "adopt" and len(accounts) > 1:
        shown = ", ".join(accounts[:5]) + (f" and {len(accounts) - 5} more" if len(accounts) > 5 else "")
        return (f"These are in {len(accounts)} accounts ({shown}); a bulk adoption is one job in one account. Add "
                "account= to pick one.")
    return ""


def preview(command: BulkCommand, picked: Sequence[ResourceRecord], *, changed: bool = False) -> dict[str, Any]:
    """The preview with its confirm button, which carries the command and what it picked."""
    value = bulk_value(command.text, len(picked), picked_digest(r.resource_id for r in picked))
    return render_bulk_preview(BulkPreviewView(
        verb=command.verb, selection=command.selection.describe(), items=[bulk_item(r) for r in picked],
        value=value, module=command.module, days=command.days, refusal=refusal(command, picked), changed=changed,
        limit=MAX_BULK,
    ))


async def require_bulk_rights(services: SlackServices, command: BulkCommand, user_id: str) -> None:
    """A bulk ignore is an admin's (it silences many at once); a bulk adopt anyone's, as Adopt is."""
    if command.verb == "ignore" and not await services.users.is_admin(user_id):
        raise NotAuthorized(ONLY_ADMINS_BULK_IGNORE)


async def bulk_preview(services: SlackServices, text: str, user_id: str) -> dict[str, Any]:
    """`/tfsync bulk <text>`: the preview; what it cannot read is explained with the usage (NotAuthorized for a bulk
    ignore by someone who is not an admin)."""
    try:
        command = BulkCommand.parse(text, services.modules)
    except BulkUsage as exc:
        return render_bulk_usage(exc.message)
    await require_bulk_rights(services, command, user_id)
    return preview(command, await pick(services, command))


async def bulk_confirm(services: SlackServices, value: str, user_id: str) -> dict[str, Any]:
    """The confirm button: the same filters picked again; the decision when they pick what was previewed, else the
    new preview."""
    try:
        text, count, digest = parse_bulk_value(value)
    except ValueError as exc:
        raise BulkUsage("This button does not carry a bulk command. Run the command again.") from exc
    command = BulkCommand.parse(text, services.modules)
    await require_bulk_rights(services, command, user_id)
    picked = await pick(services, command)
    if len(picked) != count or picked_digest(r.resource_id for r in picked) != digest or refusal(command, picked):
        return preview(command, picked, changed=True)
    actor = slack_actor(user_id)
    if command.verb == "adopt":
        adoption = await services.decisions.adopt_many(picked, actor, command.module)
        return render_bulk_result(BulkResultView(
            verb="adopt", done=[bulk_item(r) for r in adoption.claimed],
            refused=[(bulk_item(r), why) for r, why in adoption.refused], user_id=user_id, module=command.module,
            batch_id=adoption.batch_id,
        ))
    duration = timedelta(days=command.days) if command.days is not None else None
    # Only an admin gets here (require_bulk_rights), so every expiry, for ever too, is theirs to choose.
    ignored = await services.decisions.ignore_many(picked, actor, IgnoreChoice(IgnoreScope.RESOURCE, duration),
                                                   admin=True)
    return render_bulk_result(BulkResultView(
        verb="ignore", done=[bulk_item(r) for r in ignored.ignored],
        refused=[(bulk_item(r), why) for r, why in ignored.refused], user_id=user_id, days=command.days,
    ))
