"""Escaping, clipping and the small mrkdwn constructs every renderer is built from."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renderers.slack.text import (
    BACKTICK_STANDIN,
    ELLIPSIS,
    Mrkdwn,
    clip,
    clip_mrkdwn,
    code,
    code_block,
    date,
    esc,
    link,
    safe_url,
    slack_len,
    who,
)
from tests.renderers.strategies import hostile_text


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<!channel>", "&lt;!channel&gt;"),
        ("a & b", "a &amp; b"),
        ("&amp;", "&amp;amp;"),
        ("<@U123|bob>", "&lt;@U123|bob&gt;"),
        ("plain", "plain"),
        ("x`y", f"x{BACKTICK_STANDIN}y"),
        ("line\nbreak", "line break"),
        ("rtl\u202eevil", "rtl\ufffdevil"),
    ],
)
def test_esc_golden(raw: str, escaped: str) -> None:
    assert esc(raw) == escaped


def test_mrkdwn_format_escapes_arguments_but_not_the_template() -> None:
    out = Mrkdwn("*{}* {}").format("<!here>", Mrkdwn("<@U01ALICE>"))
    assert out == "*&lt;!here&gt;* <@U01ALICE>"
    assert isinstance(out, Mrkdwn)
    assert Mrkdwn("a ") + "<b>" == "a &lt;b&gt;"
    assert "<b>" + Mrkdwn(" a") == "&lt;b&gt; a"
    assert Mrkdwn(", ").join(["<x>", Mrkdwn("<@U01ALICE>")]) == "&lt;x&gt;, <@U01ALICE>"


def test_code_cannot_be_closed_from_inside() -> None:
    out = code("a`b```c")
    assert out == f"`a{BACKTICK_STANDIN}b{BACKTICK_STANDIN * 3}c`"
    assert code("") == "—"
    assert code("   ") == "—"


def test_code_block_neutralises_fences_and_counts_left_out_lines() -> None:
    text = "\n".join(f"line {i} ``` <!channel>" for i in range(30))
    block, omitted = code_block(text, max_lines=5, max_chars=2000)
    assert block.startswith("```\n") and block.endswith("\n```")
    assert block.count("```") == 2
    assert omitted == 25
    assert "&lt;!channel&gt;" in block and "<!channel>" not in block


def test_code_block_cuts_a_long_line_with_an_ellipsis_within_the_budget() -> None:
    block, omitted = code_block("x" * 5000, max_lines=5, max_chars=300)
    assert slack_len(block) <= 300
    assert ELLIPSIS in block and omitted == 0


@pytest.mark.parametrize("limit", [5, 10, 31, 100])
def test_clip_counts_utf16_and_never_exceeds(limit: int) -> None:
    text = "😀" * 200
    out = clip(text, limit)
    assert slack_len(out) <= limit
    assert out.endswith(ELLIPSIS)
    assert slack_len("😀") == 2


def test_esc_never_cuts_an_entity() -> None:
    out = esc("&" * 100, 20)
    assert slack_len(out) <= 20
    assert re.fullmatch(r"(&amp;)*…", out)


def test_clip_mrkdwn_closes_what_it_cuts_open() -> None:
    fenced = Mrkdwn("*Code*\n```\n" + "a &amp; b\n" * 500 + "```")
    out = clip_mrkdwn(fenced, 300)
    assert slack_len(out) <= 300 and out.count("```") == 2
    span = Mrkdwn("x `" + "y" * 500 + "`")
    out = clip_mrkdwn(span, 100)
    assert slack_len(out) <= 100 and out.count("`") == 2
    linked = Mrkdwn("see <https://example.com/" + "p" * 500 + "|here>")
    out = clip_mrkdwn(linked, 100)
    assert "<" not in out


@settings(max_examples=200, deadline=None)
@given(hostile_text, st.integers(min_value=40, max_value=3000))
def test_clip_mrkdwn_properties(raw: str, limit: int) -> None:
    composed = Mrkdwn("*Name* {} and ```\n{}\n``` then {}").format(code(raw, 5000), raw, raw)
    out = clip_mrkdwn(composed, limit)
    assert slack_len(out) <= limit
    assert out.count("```") % 2 == 0
    assert out.replace("```", "").count("`") % 2 == 0
    assert not re.search(r"&[a-z]*$", out.rstrip(ELLIPSIS + "`\n"))


@settings(max_examples=200, deadline=None)
@given(hostile_text, st.integers(min_value=3, max_value=4000))
def test_esc_properties(raw: str, limit: int) -> None:
    out = esc(raw, limit)
    assert slack_len(out) <= limit
    assert "<" not in out and ">" not in out and "`" not in out
    assert re.sub(r"&(amp|lt|gt);", "", out).count("&") == 0


def test_who_mentions_only_real_user_ids() -> None:
    assert who("alice", "U01ALICE") == "<@U01ALICE>"
    assert who("alice", "<!channel>") == "`alice`"
    assert who("alice", "U01ALICE>|<!here") == "`alice`"
    assert who("", None) == "someone"


def test_links_refuse_other_schemes_and_cannot_be_split() -> None:
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("not a url") is None
    assert link("https://example.com/a|b>c", "x|y") == "<https://example.com/a%7Cb%3Ec|x¦y>"
    assert link("https://example.com/?a=1&b=2", "go") == "<https://example.com/?a=1&amp;b=2|go>"
    assert link(None, "<!channel>") == "&lt;!channel&gt;"


def test_date_uses_slack_formatting_with_a_utc_fallback() -> None:
    moment = datetime(2026, 11, 29, 21, 47, tzinfo=timezone(timedelta(hours=2)))
    assert date(moment) == "<!date^1795981620^{date_short_pretty} at {time}|2026-11-29 19:47 UTC>"
    naive = datetime(2026, 11, 29, 19, 47)
    assert date(naive) == date(moment.astimezone(UTC))
    assert date(None) == "an unknown time"


def test_builders_clip_every_text_to_its_field() -> None:
    from renderers.slack import blocks as bk

    long = Mrkdwn("x &amp; " * 2000)
    assert slack_len(bk.md(long)["text"]) <= 3000
    assert slack_len(bk.section(fields=[long])["fields"][0]["text"]) <= 2000
    assert slack_len(bk.header("<" * 500)["text"]["text"]) <= 150
    assert slack_len(bk.button("&" * 500, bk.Action.RESOURCE_ADOPT)["text"]["text"]) <= 75
    assert bk.md(Mrkdwn("  "))["text"] == "—"
    with pytest.raises(TypeError):
        bk.md("plain str is not escaped")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        bk.pt(Mrkdwn("*markup*"), 10)
    with pytest.raises(ValueError, match="button value"):
        bk.button("Go", bk.Action.RESOURCE_ADOPT, value="x" * 2001)
