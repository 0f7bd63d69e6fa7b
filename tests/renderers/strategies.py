"""Hypothesis strategies for hostile view models: arbitrary names, tags and values up to 4 KB."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import strategies as st

from renderers.slack.viewdata import ResourceView, Status
from tests.renderers.slackcheck import HOSTILE_MARKUP

USER_IDS = ("U01ALICE", "U02BOB", "W03CAROL")
CONTROL = ("```", "`", "``", "*bold*", "_x_", "~s~", "&amp;", "&lt;", "<", ">", "&", "|", "\n", "\r\n", "\t",
           "\u202e", "\u2028", "\x00", "\x1b[31m", ":smile:", "@channel", "@here", "#general", "\ufeff", "😀",
           "${x}", "%{y}", '"', "\\", "<https://evil.example|click>", "<!date^1^{date}|x>")

_pieces = st.one_of(
    st.sampled_from(HOSTILE_MARKUP + CONTROL),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
)
# Mostly short names full of markup; sometimes one huge run, up to 4 KB, to hit every limit.
hostile_text = st.one_of(
    st.lists(_pieces, max_size=12).map("".join),
    st.builds(lambda piece, n: (piece * n)[:4096], _pieces.filter(bool), st.integers(1, 4096)),
    st.text(max_size=4096),
)
short_ids = st.from_regex(r"r-[a-z2-7]{12}", fullmatch=True)
moments = st.one_of(st.none(), st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                                            timezones=st.just(UTC)))
urls = st.one_of(
    st.none(),
    st.just(""),
    hostile_text,
    st.builds(lambda t: "https://console.aws.amazon.com/x?name=" + t, hostile_text),
    st.builds(lambda t: "javascript:alert(" + t + ")", hostile_text),
)


@st.composite
def resources(draw: st.DrawFn, status: Status | None = None, short_id: str | None = None) -> ResourceView:
    return ResourceView(
        short_id=short_id or draw(short_ids),
        tf_type=draw(st.one_of(st.sampled_from(("aws_s3_bucket", "aws_db_instance")), hostile_text)),
        label=draw(st.one_of(st.sampled_from(("S3 bucket", "")), hostile_text)),
        import_id=draw(hostile_text),
        name=draw(hostile_text),
        arn=draw(hostile_text),
        region=draw(st.one_of(st.just("us-east-1"), hostile_text)),
        account_id=draw(st.one_of(st.just("123456789012"), hostile_text)),
        actor=draw(hostile_text),
        status=status or draw(st.sampled_from(Status)),
        suggested_name=draw(hostile_text),
        loses_data=draw(st.booleans()),
        event_time=draw(moments),
        console_url=draw(urls) or "",
        actor_user_id=draw(st.one_of(st.none(), st.sampled_from(USER_IDS), hostile_text)),
        tags=draw(st.dictionaries(hostile_text, hostile_text, max_size=12)),
        code_preview=draw(hostile_text),
        channel_id=draw(st.one_of(st.none(), st.just("C0123ABCD"), hostile_text)),
        thread_ts=draw(st.one_of(st.none(), st.just("1700000000.000100"), hostile_text)),
        thread_url=draw(urls),
        status_by_user_id=draw(st.one_of(st.none(), st.sampled_from(USER_IDS))),
        status_by=draw(hostile_text),
        status_at=draw(moments),
        tf_address=draw(st.one_of(st.none(), hostile_text)),
        tf_file=draw(st.one_of(st.none(), hostile_text)),
        job_url=draw(urls),
        result_url=draw(urls),
        result_kind=draw(st.sampled_from((None, "commit", "pull request"))),
        account_alias=draw(st.one_of(st.just(""), st.just("prod"), hostile_text)),
        reachable=draw(st.booleans()),
        error=draw(st.one_of(st.none(), hostile_text)),
        ignore_rule=draw(st.one_of(st.none(), hostile_text)),
        ignore_until=draw(moments),
    )
