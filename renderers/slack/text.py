"""Text for Slack: mrkdwn escaping, safe truncation, code spans and fences, mentions, links and dates.

Every string that came from AWS or from a person reaches a mrkdwn text object through `Mrkdwn.escape` (directly, or
by being a `Mrkdwn.format` argument), so it can neither mention anyone (`<!channel>`), nor open a link, nor close the
code span or fence it sits in. Lengths are counted in UTF-16 code units, as Slack's servers count them; a payload
within that count is within every shorter count too.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

ELLIPSIS = "…"
# A backtick inside a code span or fence would end it; this look-alike reads the same and ends nothing.
BACKTICK_STANDIN = "\u02cb"  # MODIFIER LETTER GRAVE ACCENT
REPLACEMENT = "\ufffd"
FENCE = "```"
MAX_URL = 2_000

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_ESCAPE_RE = re.compile("[&<>]")
# Characters that could make a line read differently from what it holds: controls, bidi overrides and isolates,
# line and paragraph separators. Zero-width joiners stay, since emoji sequences need them.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn", "Zl", "Zp"})
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,31}\Z")
_SUBTEAM_ID = re.compile(r"S[A-Z0-9]{2,31}\Z")
_CHANNEL_ID = re.compile(r"[CDG][A-Z0-9]{2,31}\Z")


def slack_len(text: str) -> int:
    """Length as Slack counts it: UTF-16 code units."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _char_len(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def _prefix_within(text: str, budget: int) -> str:
    """The longest prefix of `text` whose Slack length is at most `budget`."""
    used = 0
    for index, char in enumerate(text):
        used += _char_len(char)
        if used > budget:
            return text[:index]
    return text


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` (Slack length) with an ellipsis when it was longer."""
    if slack_len(text) <= limit:
        return text
    return _prefix_within(text, limit - 1) + ELLIPSIS


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with hidden characters (controls, bidi, separators) as U+FFFD; tabs, and unkept newlines, as spaces."""
    out = []
    for char in text:
        if char == "\n":
            out.append(char if keep_newlines else " ")
        elif char == "\t":
            out.append("    " if keep_newlines else " ")
        elif char == "\r":
            if not keep_newlines:
                out.append(" ")
        elif char in _BIDI or unicodedata.category(char) in _HIDDEN_CATEGORIES:
            out.append(REPLACEMENT)
        else:
            out.append(char)
    return "".join(out)


def escape_text(text: str) -> str:
    """`&`, `<` and `>` as the entities Slack decodes; nothing else changes."""
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group()], text)


class _Formatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        return Mrkdwn.escape(format(value, format_spec) if format_spec else value)


class Mrkdwn(str):
    """A string that is safe as mrkdwn: markup tfsync wrote, with every outside value escaped.

    `Mrkdwn("*bold* {}").format(name)` escapes `name`; `+` and `join` escape plain strings the same way. Builders of
    mrkdwn text objects accept only this type, so an unescaped value cannot reach Slack by accident.
    """

    __slots__ = ()

    @classmethod
    def escape(cls, value: Any) -> Mrkdwn:
        if isinstance(value, Mrkdwn):
            return value
        return cls(escape_text(visible(str(value), keep_newlines=True).replace("`", BACKTICK_STANDIN)))

    def format(self, *args: Any, **kwargs: Any) -> Mrkdwn:
        return Mrkdwn(_Formatter().vformat(self, args, kwargs))

    def __add__(self, other: str) -> Mrkdwn:
        return Mrkdwn(str.__add__(self, Mrkdwn.escape(other)))

    def __radd__(self, other: str) -> Mrkdwn:
        return Mrkdwn(str.__add__(Mrkdwn.escape(other), self))

    def join(self, items: Iterable[str]) -> Mrkdwn:
        return Mrkdwn(str.join(self, (Mrkdwn.escape(item) for item in items)))


def esc(value: Any, limit: int | None = None) -> Mrkdwn:
    """An outside value as mrkdwn text on one line, cut so that its escaped form fits `limit`.

    Backticks become a look-alike: every backtick in tfsync's mrkdwn is one tfsync wrote, so no outside text can
    open or close a code span.
    """
    raw = str(value)
    if limit is not None:
        # Every character shows as at least one unit of Slack length (escaping only lengthens), so nothing past the
        # first limit + 1 can be shown: a 4 KiB tag value is not walked whole to show eighty characters of it.
        raw = raw[: max(limit, 0) + 1]
    text = visible(raw).replace("`", BACKTICK_STANDIN)
    if limit is None or slack_len(escape_text(text)) <= limit:
        return Mrkdwn(escape_text(text))
    return Mrkdwn(_escape_within(text, limit - 1) + ELLIPSIS)


def _escape_within(text: str, budget: int) -> str:
    """The escaped form of the longest prefix of `text` whose escaped Slack length fits `budget`."""
    out: list[str] = []
    used = 0
    for char in text:
        piece = _ESCAPES.get(char, char)
        size = slack_len(piece)
        if used + size > budget:
            break
        out.append(piece)
        used += size
    return "".join(out)


def code(value: Any, limit: int = 300) -> Mrkdwn:
    """An outside value as an inline code span that nothing inside it can close; at most `limit` long."""
    raw = str(value)
    text = visible(raw[: limit + 1])  # as in esc(): nothing past the limit can show
    if not text.strip() and not visible(raw).strip():
        return Mrkdwn("—")
    return Mrkdwn(f"`{esc(text if len(raw) <= limit + 1 else raw, max(limit - 2, 2))}`")


def code_block(text: str, *, max_lines: int, max_chars: int) -> tuple[Mrkdwn, int]:
    """A fenced code block of at most `max_lines` lines and `max_chars` (escaped, fences included).

    Returns the block and how many lines were left out; a cut line ends with an ellipsis.
    """
    lines = visible(text, keep_newlines=True).replace("`", BACKTICK_STANDIN).rstrip("\n").split("\n")
    budget = max_chars - 2 * len(FENCE) - 2
    kept: list[str] = []
    used = 0
    for line in lines[:max_lines]:
        escaped = escape_text(line)
        size = slack_len(escaped) + 1
        if used + size > budget:
            room = budget - used - 1
            if room > 1:
                kept.append(_escape_within(line, room - 1) + ELLIPSIS)
            break
        kept.append(escaped)
        used += size
    omitted = len(lines) - len(kept)
    body = "\n".join(kept) if kept else ELLIPSIS
    return Mrkdwn(f"{FENCE}\n{body}\n{FENCE}"), omitted


def clip_mrkdwn(text: Mrkdwn, limit: int) -> Mrkdwn:
    """Composed mrkdwn cut to `limit` without splitting an entity, a `<...>` construct, a code span or a fence."""
    if slack_len(text) <= limit:
        return text
    # Room for the ellipsis and for closing whatever the cut leaves open (a fence needs a newline and three ticks).
    # Trailing backticks may be part of a fence cut in two; dropping them leaves only whole delimiters to count.
    cut = _prefix_within(text, limit - 1 - len(FENCE) - 1).rstrip("`")
    amp, semi = cut.rfind("&"), cut.rfind(";")
    if amp > semi:
        cut = cut[:amp]
    opened, closed = cut.rfind("<"), cut.rfind(">")
    if opened > closed:
        cut = cut[:opened]
    cut = cut.rstrip("`")
    fences = cut.count(FENCE)
    if fences % 2:
        return Mrkdwn(cut + ELLIPSIS + "\n" + FENCE)
    ticks = cut.replace(FENCE, "").count("`")
    return Mrkdwn(cut + ELLIPSIS + ("`" if ticks % 2 else ""))


def is_user_id(value: str | None) -> bool:
    return bool(value) and bool(_USER_ID.match(value or ""))


def is_channel_id(value: str | None) -> bool:
    return bool(value) and bool(_CHANNEL_ID.match(value or ""))


def is_subteam_id(value: str | None) -> bool:
    return bool(value) and bool(_SUBTEAM_ID.match(value or ""))


def who(principal: str, user_id: str | None = None, limit: int = 200) -> Mrkdwn:
    """A mention when the person maps to a Slack user, else the principal as code."""
    if is_user_id(user_id):
        return Mrkdwn(f"<@{user_id}>")
    if not principal:
        return Mrkdwn("someone")
    return code(principal, limit)


def channel(channel_id: str | None) -> Mrkdwn:
    return Mrkdwn(f"<#{channel_id}>") if is_channel_id(channel_id) else Mrkdwn("a channel")


def subteam(subteam_id: str) -> Mrkdwn:
    return Mrkdwn(f"<!subteam^{subteam_id}>") if is_subteam_id(subteam_id) else Mrkdwn("")


def safe_url(url: str | None) -> str | None:
    """An http(s) URL with the characters that would end a Slack link (`|`, `<`, `>`, spaces) percent-encoded.

    None for other schemes, and for URLs that encoded run past 2000 (Slack takes 3000; a link also needs its label).
    """
    if not url or len(url) > MAX_URL:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    quoted = quote(visible(url), safe="/:?#[]@!$&'()*+,;=%~-._")
    return quoted if len(quoted) <= MAX_URL else None


def link(url: str | None, label: Any, limit: int = 200) -> Mrkdwn:
    """`<url|label>`, or just the label when the URL is not a usable http(s) URL."""
    target = safe_url(url)
    text = esc(label, limit)
    if target is None:
        return text
    # Inside a link the label must not hold `|` or `>`; escape() took `>`, and a look-alike stands in for `|`.
    return Mrkdwn(f"<{escape_text(target)}|{text.replace('|', '¦')}>")


def as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def date(moment: datetime | None, style: str = "{date_short_pretty} at {time}") -> Mrkdwn:
    """Slack date formatting in the reader's time zone, falling back to UTC text in clients that cannot."""
    if moment is None:
        return Mrkdwn("an unknown time")
    utc = as_utc(moment)
    fallback = utc.strftime("%Y-%m-%d %H:%M UTC")
    return Mrkdwn(f"<!date^{int(utc.timestamp())}^{style}|{fallback}>")


def plain(text: str) -> str:
    """Text for a plain_text object: one line, visible characters, with `&`, `<`, `>` as entities."""
    return escape_text(visible(text))
