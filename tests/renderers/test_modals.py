"""Adopt, Delete and Ignore modals, the working view, module options, form parsing and private_metadata."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renderers.slack import (
    FormError,
    check_delete_form,
    check_delete_phrase,
    parse_adopt_form,
    parse_ignore_form,
    parse_metadata,
    render_adopt_modal,
    render_adopt_pending,
    render_adopt_working,
    render_delete_modal,
    render_delete_working,
    render_error_modal,
    render_ignore_modal,
    render_ignore_working,
    render_loading_modal,
    render_module_options,
)
from renderers.slack.ids import Action, Block, Callback
from renderers.slack.metadata import PHRASE_MAX, MetadataError, ModalMetadata, encode
from renderers.slack.modals import delete_confirmation_phrase, is_broad, module_value, suggest_pattern
from renderers.slack.viewdata import (
    AdoptModalView,
    DeleteModalView,
    ErrorView,
    Expiry,
    IgnoreModalView,
    IgnoreScope,
    ModuleView,
    ResourceView,
)
from tests.renderers.slackcheck import assert_view
from tests.renderers.strategies import USER_IDS, hostile_text, resources
from tests.renderers.test_resource import bucket

MODULES = [ModuleView(f"infra/modules/m{i:03d}", label=f"Module {i}") for i in range(150)]


def _blocks_by_id(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in view["blocks"] if "block_id" in b}


def _state(**entries: tuple[Block, Action, dict[str, Any]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for block, action, state in entries.values():
        values.setdefault(str(block), {})[str(action)] = state
    return values


# Adopt.


@pytest.mark.parametrize(("count", "kind"), [(0, None), (1, "static_select"), (100, "static_select"),
                                             (101, "external_select"), (150, "external_select")])
def test_module_select_kind_follows_the_count(count: int, kind: str | None) -> None:
    view = render_adopt_modal(AdoptModalView(bucket(), MODULES[:count], min_query_length=2))
    assert_view(view, "modal")
    module = _blocks_by_id(view).get(Block.MODULE_INPUT)
    if kind is None:
        assert module is None
        return
    element = module["element"]
    assert element["type"] == kind and element["action_id"] == Action.MODULE_SELECT
    if kind == "external_select":
        assert element["min_query_length"] == 2 and "options" not in element
    else:
        assert len(element["options"]) == count


def test_adopt_modal_prefills_and_carries_metadata() -> None:
    r = bucket()
    view = render_adopt_modal(AdoptModalView(r, MODULES[:3], default_module=MODULES[2].path, record_version=4))
    by_id = _blocks_by_id(view)
    assert view["callback_id"] == Callback.ADOPTION_SUBMIT and view["submit"]["text"] == "Adopt"
    assert by_id[Block.TF_NAME_INPUT]["element"]["initial_value"] == "tfsync_logs_2026"
    assert by_id[Block.MODULE_INPUT]["element"]["initial_option"]["value"] == MODULES[2].path
    assert "```" in json.dumps(view)  # the code preview
    assert parse_metadata(view["private_metadata"]) == ModalMetadata(r.short_id, "C0123ABCD", "1700000000.000100", 4)


def test_external_select_options_response() -> None:
    response = render_module_options(MODULES, "m14")
    values = [o["value"] for o in response["options"]]
    assert values == [m.path for m in MODULES if "m14" in m.path]
    assert len(render_module_options(MODULES)["options"]) == 100
    assert render_module_options(MODULES, "nothing-like-it") == {"options": []}
    hostile = [ModuleView("m/" + "<!channel>" * 40, "`x`" * 60, "&" * 200), *MODULES]
    options = render_module_options(hostile)["options"]
    # Slack shows these options in the select it loads them into: they must pass as a static select's options.
    wrapper = render_adopt_modal(AdoptModalView(bucket(), MODULES[:1]))
    module_block = next(b for b in wrapper["blocks"] if b.get("block_id") == Block.MODULE_INPUT)
    module_block["element"]["options"] = options
    module_block["element"]["initial_option"] = options[0]
    assert_view(wrapper, "modal")


def test_module_values_stay_short_and_plain_and_resolve() -> None:
    odd = [ModuleView("x" * 400), ModuleView("modules/<!channel>"), ModuleView("h:abc"), ModuleView("plain/one")]
    values = [module_value(m.path) for m in odd]
    assert all(len(v) <= 150 and "<" not in v for v in values)
    assert len(set(values)) == 4 and values[3] == "plain/one"
    assert_view(render_adopt_modal(AdoptModalView(bucket(), odd)), "modal")
    for module, value in zip(odd, values, strict=True):
        form = parse_adopt_form(
            _state(
                n=(Block.TF_NAME_INPUT, Action.TF_NAME_SET, {"type": "plain_text_input", "value": "logs"}),
                m=(Block.MODULE_INPUT, Action.MODULE_SELECT, {"selected_option": {"value": value}}),
            ),
            odd,
        )
        assert form.module_path == module.path


@pytest.mark.parametrize(
    ("name", "module", "errors"),
    [
        ("logs", "infra/modules/m001", set()),
        ("_private-2", "infra/modules/m001", set()),
        ("2logs", "infra/modules/m001", {Block.TF_NAME_INPUT}),
        ("has space", "infra/modules/m001", {Block.TF_NAME_INPUT}),
        ("x" * 65, "infra/modules/m001", {Block.TF_NAME_INPUT}),
        ("", "infra/modules/m001", {Block.TF_NAME_INPUT}),
        ("logs", "not-configured", {Block.MODULE_INPUT}),
        ("9", None, {Block.TF_NAME_INPUT, Block.MODULE_INPUT}),
    ],
)
def test_adopt_form_validation(name: str, module: str | None, errors: set[str]) -> None:
    values = _state(
        n=(Block.TF_NAME_INPUT, Action.TF_NAME_SET, {"type": "plain_text_input", "value": name}),
        m=(Block.MODULE_INPUT, Action.MODULE_SELECT,
           {"type": "static_select", "selected_option": {"value": module} if module else None}),
    )
    if not errors:
        form = parse_adopt_form(values, MODULES)
        assert (form.tf_name, form.module_path) == (name, module)
        return
    with pytest.raises(FormError) as caught:
        parse_adopt_form(values, MODULES)
    assert set(caught.value.errors) == errors
    assert all(isinstance(m, str) and m for m in caught.value.errors.values())


def test_adopt_form_without_modules_means_the_root_module() -> None:
    values = _state(n=(Block.TF_NAME_INPUT, Action.TF_NAME_SET, {"value": "logs"}))
    assert parse_adopt_form(values, []).module_path is None


def test_adopt_modal_asks_no_file_and_says_where_the_code_goes() -> None:
    # The generator names the files (a new one per resource): the form has no file to ask for.
    for modules, where in ((MODULES[:3], "in the folder of the chosen module"), ([], "in the root module")):
        view = render_adopt_modal(AdoptModalView(bucket(), modules))
        inputs = [b["block_id"] for b in view["blocks"] if b["type"] == "input"]
        assert inputs == [Block.TF_NAME_INPUT, Block.MODULE_INPUT][: 1 + bool(modules)]
        assert "File name" not in json.dumps(view) and "tf-file" not in json.dumps(view)
        [context] = [b for b in view["blocks"] if b["type"] == "context"]
        assert "`aws_s3_bucket.&lt;name&gt;.tf`" in context["elements"][0]["text"]
        assert where in context["elements"][0]["text"]


def test_adopt_form_ignores_a_file_from_an_older_modal() -> None:
    # A modal opened before the field went away still submits one: it is not read.
    values = _state(n=(Block.TF_NAME_INPUT, Action.TF_NAME_SET, {"value": "logs"}))
    values["tfsync-tf-file-input"] = {"tfsync-tf-file-set": {"value": "../../etc/passwd"}}
    form = parse_adopt_form(values, [])
    assert (form.tf_name, form.module_path) == ("logs", None) and not hasattr(form, "tf_file")


def test_working_view_replaces_the_form() -> None:
    r = bucket(thread_url="https://acme.slack.com/archives/C0123ABCD/p1700000000000100")
    view = render_adopt_working(r, "module.logs.aws_s3_bucket.logs", 4)
    assert_view(view, "modal")
    assert view["callback_id"] == Callback.ADOPTION_WAIT and "submit" not in view
    assert "`module.logs.aws_s3_bucket.logs`" in json.dumps(view) and ".tf`" not in json.dumps(view)
    assert "<https://acme.slack.com/archives/C0123ABCD/p1700000000000100|" in json.dumps(view)
    assert parse_metadata(view["private_metadata"]).record_version == 4


def test_loading_modal_needs_nothing_but_what_it_loads() -> None:
    view = render_loading_modal("the Adopt form")
    assert_view(view, "modal")
    assert view["callback_id"] == Callback.LOADING_SHOW and "submit" not in view and "private_metadata" not in view
    assert "Loading the Adopt form" in json.dumps(view, ensure_ascii=False)
    # Not the form's title: what shows "Adopt resource" is the form itself.
    assert "Adopt resource" not in json.dumps(view)
    assert_view(render_loading_modal("<!channel> " + "x" * 5000), "modal")


def test_adopt_pending_view_is_drawn_from_the_submission_alone() -> None:
    metadata = ModalMetadata("r-k3v9q2mzt7ab", "C0123ABCD", "1700000000.000100", 4)
    with_address = render_adopt_pending(metadata, "logs", "module.logs", "module.logs.aws_s3_bucket.logs")
    without = render_adopt_pending(metadata, "logs", None)
    for view in (with_address, without):
        assert_view(view, "modal")
        assert view["callback_id"] == Callback.ADOPTION_WAIT and "submit" not in view
        assert parse_metadata(view["private_metadata"]) == metadata
    assert "as `module.logs.aws_s3_bucket.logs`" in json.dumps(with_address)
    assert "as `logs` in `.`" in json.dumps(without) and "`r-k3v9q2mzt7ab`" in json.dumps(without)


# Delete.


def test_delete_modal_asks_for_the_name_exactly_when_data_is_lost() -> None:
    losing = render_delete_modal(DeleteModalView(bucket(loses_data=True), allowed=True))
    keeping = render_delete_modal(DeleteModalView(bucket(loses_data=False), allowed=True))
    assert_view(losing, "modal")
    assert_view(keeping, "modal")
    assert Block.CONFIRMATION_INPUT in _blocks_by_id(losing)
    assert Block.CONFIRMATION_INPUT not in _blocks_by_id(keeping)
    assert "*Its data is lost.*" in json.dumps(losing) and "Its data is lost" not in json.dumps(keeping)
    assert "`tfsync-logs-2026`" in json.dumps(losing)
    assert losing["submit"]["text"] == keeping["submit"]["text"] == "Delete"


def test_delete_confirmation_checks_what_was_typed() -> None:
    r = bucket(loses_data=True)

    def typed(value: str) -> dict[str, Any]:
        return _state(c=(Block.CONFIRMATION_INPUT, Action.CONFIRMATION_TYPE, {"value": value}))

    check_delete_form(typed("tfsync-logs-2026"), r)
    check_delete_form(typed("  tfsync-logs-2026 "), r)
    for wrong in ("tfsync-logs", "TFSYNC-LOGS-2026", ""):
        with pytest.raises(FormError) as caught:
            check_delete_form(typed(wrong), r)
        assert set(caught.value.errors) == {Block.CONFIRMATION_INPUT}
    check_delete_form({}, bucket(loses_data=False))


@pytest.mark.parametrize("name", ["<!channel>`x`", "x" * 500, " padded ", "tab\there", ""])
def test_untypable_names_are_confirmed_by_short_id(name: str) -> None:
    r = bucket(name=name, loses_data=True)
    assert delete_confirmation_phrase(r) == r.short_id
    view = render_delete_modal(DeleteModalView(r, allowed=True))
    assert_view(view, "modal")
    assert "type the tfsync id `r-k3v9q2mzt7ab`" in json.dumps(view)
    check_delete_form(_state(c=(Block.CONFIRMATION_INPUT, Action.CONFIRMATION_TYPE, {"value": r.short_id})), r)


def test_delete_form_carries_its_phrase_so_the_submission_is_checked_without_state() -> None:
    losing = parse_metadata(render_delete_modal(DeleteModalView(bucket(loses_data=True), allowed=True,
                                                                record_version=3))["private_metadata"])
    keeping = parse_metadata(render_delete_modal(DeleteModalView(bucket(loses_data=False), allowed=True))[
        "private_metadata"])
    assert (losing.confirm_phrase, losing.record_version) == ("tfsync-logs-2026", 3)
    assert keeping.confirm_phrase is None
    refused = render_delete_modal(DeleteModalView(bucket(loses_data=True), allowed=False))
    assert parse_metadata(refused["private_metadata"]).confirm_phrase is None

    def typed(value: str) -> dict[str, Any]:
        return _state(c=(Block.CONFIRMATION_INPUT, Action.CONFIRMATION_TYPE, {"value": value}))

    check_delete_phrase(typed(" tfsync-logs-2026 "), losing)
    check_delete_phrase({}, keeping)
    for wrong, what in (("tfsync-logs", "name"), ("", "name")):
        with pytest.raises(FormError) as caught:
            check_delete_phrase(typed(wrong), losing)
        assert caught.value.errors == {Block.CONFIRMATION_INPUT: f"That is not the {what}; type it exactly to delete."}
    by_id = replace(losing, confirm_phrase="r-k3v9q2mzt7ab")
    with pytest.raises(FormError, match="tfsync id"):
        check_delete_phrase(typed("tfsync-logs-2026"), by_id)


def test_delete_working_view() -> None:
    metadata = ModalMetadata("r-k3v9q2mzt7ab", None, None, 2, "tfsync-logs-2026")
    view = render_delete_working(metadata)
    assert_view(view, "modal")
    assert view["callback_id"] == Callback.DELETION_WAIT and "submit" not in view
    assert "`r-k3v9q2mzt7ab`" in json.dumps(view) and "no Terraform state manages it" in json.dumps(view)
    # The phrase is not carried on: the working view asks nothing.
    assert parse_metadata(view["private_metadata"]) == replace(metadata, confirm_phrase=None)


def test_non_admins_get_the_not_allowed_variant() -> None:
    view = render_delete_modal(
        DeleteModalView(bucket(), allowed=False, admin_user_ids=["U01ALICE", "<!channel>"], admin_group_id="S0ADMINS")
    )
    assert_view(view, "modal", USER_IDS)
    assert view["callback_id"] == Callback.DELETION_REFUSE
    assert "submit" not in view and not any(b["type"] == "input" for b in view["blocks"])
    text = json.dumps(view)
    assert "<@U01ALICE>" in text and "<!subteam^S0ADMINS>" in text and "Only tfsync admins" in text


# Ignore.


def test_ignore_modal_offers_the_scopes_and_expiries() -> None:
    view = render_ignore_modal(IgnoreModalView(bucket(), record_version=2, admin=True))
    assert_view(view, "modal")
    by_id = _blocks_by_id(view)
    scopes = [o["value"] for o in by_id[Block.SCOPE_INPUT]["element"]["options"]]
    expiries = [o["value"] for o in by_id[Block.EXPIRY_INPUT]["element"]["options"]]
    assert scopes == ["resource", "type", "actor", "name"]
    assert expiries == ["1d", "7d", "30d", "forever"]
    assert by_id[Block.PATTERN_INPUT]["optional"] is True
    assert by_id[Block.PATTERN_INPUT]["element"]["initial_value"] == "tfsync-logs-*"
    assert view["callback_id"] == Callback.IGNORE_RULE_SUBMIT


def test_ignore_modal_offers_non_admins_this_resource_for_a_while() -> None:
    view = render_ignore_modal(IgnoreModalView(bucket(), record_version=2))
    assert_view(view, "modal")
    by_id = _blocks_by_id(view)
    assert [o["value"] for o in by_id[Block.SCOPE_INPUT]["element"]["options"]] == ["resource"]
    assert [o["value"] for o in by_id[Block.EXPIRY_INPUT]["element"]["options"]] == ["1d", "7d", "30d"]
    assert by_id[Block.EXPIRY_INPUT]["element"]["initial_option"]["value"] == "7d"
    assert Block.PATTERN_INPUT not in by_id
    assert "is for tfsync admins" in json.dumps(view)
    # What it offers is exactly what is not broad.
    for scope in IgnoreScope:
        for expiry in Expiry:
            assert is_broad(scope, expiry) == (scope != "resource" or expiry == "forever")


@pytest.mark.parametrize(("scope", "expiry", "pattern", "words"), [
    (IgnoreScope.RESOURCE, Expiry.WEEK, None, "Ignoring this resource (`r-k3v9q2mzt7ab`), for 7 days."),
    (IgnoreScope.TYPE, Expiry.FOREVER, None, "Ignoring every resource of its type (`r-k3v9q2mzt7ab`), for ever."),
    (IgnoreScope.ACTOR, Expiry.DAY, None, "Ignoring everything its creator makes (`r-k3v9q2mzt7ab`), for 1 day."),
    (IgnoreScope.NAME, Expiry.MONTH, "tmp-*", "Ignoring names matching `tmp-*` (`r-k3v9q2mzt7ab`), for 30 days."),
])
def test_ignore_working_view(scope: IgnoreScope, expiry: Expiry, pattern: str | None, words: str) -> None:
    view = render_ignore_working(ModalMetadata("r-k3v9q2mzt7ab", "C0123ABCD", "1700000000.000100", 5), scope,
                                 expiry, pattern)
    assert_view(view, "modal")
    assert view["callback_id"] == Callback.IGNORE_RULE_WAIT and "submit" not in view
    assert words in json.dumps(view)
    assert parse_metadata(view["private_metadata"]).record_version == 5


@pytest.mark.parametrize(
    ("scope", "expiry", "pattern", "errors"),
    [
        ("resource", "7d", None, set()),
        ("type", "forever", "ignored-for-type", set()),
        ("name", "30d", "tmp-*", set()),
        ("name", "1d", "", {Block.PATTERN_INPUT}),
        ("name", "1d", "*", {Block.PATTERN_INPUT}),
        ("name", "1d", "*?*", {Block.PATTERN_INPUT}),
        ("name", "1d", "x" * 201, {Block.PATTERN_INPUT}),
        (None, None, None, {Block.SCOPE_INPUT, Block.EXPIRY_INPUT}),
        ("everything", "2y", None, {Block.SCOPE_INPUT, Block.EXPIRY_INPUT}),
    ],
)
def test_ignore_form(scope: str | None, expiry: str | None, pattern: str | None, errors: set[str]) -> None:
    values = _state(
        s=(Block.SCOPE_INPUT, Action.SCOPE_CHOOSE, {"selected_option": {"value": scope} if scope else None}),
        e=(Block.EXPIRY_INPUT, Action.EXPIRY_CHOOSE, {"selected_option": {"value": expiry} if expiry else None}),
        p=(Block.PATTERN_INPUT, Action.PATTERN_SET, {"value": pattern}),
    )
    if errors:
        with pytest.raises(FormError) as caught:
            parse_ignore_form(values)
        assert set(caught.value.errors) == errors
        return
    form = parse_ignore_form(values)
    assert form.scope == IgnoreScope(scope) and form.expiry == Expiry(expiry)
    assert form.pattern == (pattern if scope == "name" else None)
    assert form.broad == (scope != "resource" or expiry == "forever")


def test_expiry_durations() -> None:
    assert [e.duration.days if e.duration else None for e in Expiry] == [1, 7, 30, None]


@pytest.mark.parametrize(
    ("name", "pattern"),
    [("tfsync-logs-2026", "tfsync-logs-*"), ("ab-1", "ab-1*"), ("<!channel>", "??channel?*"), ("", "")],
)
def test_suggest_pattern(name: str, pattern: str) -> None:
    assert suggest_pattern(name) == pattern


# Everything, hostile.


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    resources(),
    st.lists(st.builds(ModuleView, hostile_text, hostile_text, hostile_text), max_size=3),
    st.integers(0, 5),
    st.one_of(st.none(), hostile_text),
    st.one_of(st.none(), st.integers(0, 2**40)),
)
def test_any_resource_renders_valid_modals(
    resource: ResourceView, modules: list[ModuleView], min_query: int, prefill: str | None, version: int | None
) -> None:
    mentionable = set(USER_IDS)
    assert_view(render_adopt_modal(AdoptModalView(resource, modules, tf_name=prefill, record_version=version)),
                "modal", mentionable)
    assert_view(render_adopt_modal(AdoptModalView(resource, MODULES, min_query_length=min_query)), "modal")
    assert_view(render_adopt_working(resource, prefill or "x", version), "modal", mentionable)
    for allowed in (True, False):
        view = render_delete_modal(DeleteModalView(resource, allowed, USER_IDS, "S0ADMINS", version))
        assert_view(view, "modal", mentionable)
        assert (Block.CONFIRMATION_INPUT in _blocks_by_id(view)) == (allowed and resource.loses_data)
        phrase = delete_confirmation_phrase(resource)
        if allowed and resource.loses_data:
            check_delete_form(_state(c=(Block.CONFIRMATION_INPUT, Action.CONFIRMATION_TYPE, {"value": phrase})),
                              resource)
    for admin in (True, False):
        ignore = render_ignore_modal(IgnoreModalView(resource, version, admin=admin))
        assert_view(ignore, "modal", mentionable)
        metadata = parse_metadata(ignore["private_metadata"])
        assert metadata.resource_id == resource.short_id and metadata.record_version == version
    for allowed in (True, False):
        form = render_delete_modal(DeleteModalView(resource, allowed, USER_IDS, "S0ADMINS", version))
        carried = parse_metadata(form["private_metadata"])
        assert carried.confirm_phrase == (delete_confirmation_phrase(resource)
                                          if allowed and resource.loses_data else None)
        assert_view(render_delete_working(carried), "modal")
        assert_view(render_adopt_pending(carried, prefill or "x", prefill, prefill), "modal")
        for scope in IgnoreScope:
            assert_view(render_ignore_working(carried, scope, Expiry.WEEK, prefill), "modal")
    assert_view(render_loading_modal(resource.name), "modal")


def test_error_modal() -> None:
    view = render_error_modal(ErrorView("The resource <!channel> changed", "E-7F3A", title="x" * 40))
    assert_view(view, "modal")
    assert "E-7F3A" in json.dumps(view) and len(view["title"]["text"]) <= 24
    assert "clear_on_close" not in view
    over = render_error_modal(ErrorView("Not allowed", "E-7F3A"), clear_on_close=True)
    assert_view(over, "modal")
    assert over["clear_on_close"] is True


# private_metadata.


@settings(max_examples=200, deadline=None)
@given(
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", fullmatch=True),
    st.one_of(st.none(), st.from_regex(r"[CDG][A-Z0-9]{2,31}", fullmatch=True)),
    st.one_of(st.none(), st.from_regex(r"\d{1,12}\.\d{1,9}", fullmatch=True)),
    st.one_of(st.none(), st.integers(0, 2**53 - 1)),
    st.one_of(st.none(), st.text(min_size=1, max_size=PHRASE_MAX), st.just("<!channel> & `x`")),
)
def test_metadata_round_trips(
    resource_id: str, channel: str | None, ts: str | None, version: int | None, phrase: str | None,
) -> None:
    metadata = ModalMetadata(resource_id, channel, ts, version, phrase)
    text = encode(metadata)
    assert len(text) <= 3000 and "<" not in text and ">" not in text and "&" not in text
    # Compact: no space but inside what a field holds (a confirmation phrase may be a name with spaces).
    assert " " not in encode(replace(metadata, confirm_phrase=None))
    assert json.loads(text)["v"] == 1
    assert parse_metadata(text) == metadata


@pytest.mark.parametrize(
    "text",
    [None, "", "not json", "[]", '{"r":"r-1"}', '{"v":2,"r":"r-1"}', '{"v":true,"r":"r-1"}', '{"v":1}',
     '{"v":1,"r":"<!channel>"}', '{"v":1,"r":"r-1","x":1}', '{"v":1,"r":"r-1","c":5}', '{"v":1,"r":"r-1","n":-1}',
     '{"v":1,"r":"r-1","t":"yesterday"}', '{"v":1,"r":"r-1","n":1.5}', "x" * 3001, '{"v":1,"r":"r-1","p":""}',
     '{"v":1,"r":"r-1","p":7}', '{"v":1,"r":"r-1","p":"' + "x" * (PHRASE_MAX + 1) + '"}'],
)
def test_metadata_parser_refuses_what_tfsync_did_not_write(text: str | None) -> None:
    with pytest.raises(MetadataError):
        parse_metadata(text)


def test_metadata_drops_a_thread_it_cannot_carry() -> None:
    view = render_ignore_modal(IgnoreModalView(replace(bucket(), channel_id="<!channel>", thread_ts="x")))
    metadata = parse_metadata(view["private_metadata"])
    assert metadata.channel_id is None and metadata.thread_ts is None
