"""HCL quoting and identifiers against hostile input; Terraform itself is the judge of what a literal means."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.classify import Resource
from bot.codegen import CodeGenerator
from bot.terraform import fmt_check, load_config_dir, run
from renderers.hcl import (
    JsonDocument,
    align_assignments,
    finish,
    hcl_comment,
    hcl_identifier,
    hcl_string,
    hcl_value,
    unique_label,
)
from tests.codegen.helpers import assert_terraform_accepts, write_tree

FOUR_KB = "x" * 4095 + "$"

# Input -> the exact literal written into .tf files.
GOLDEN = [
    ("", '""'),
    ("plain", '"plain"'),
    ("${var.secret}", '"$${var.secret}"'),
    ("%{ if true }x%{ endif }", '"%%{ if true }x%%{ endif }"'),
    ("$${already}", '"$$${already}"'),
    ("%%{already}", '"%%%{already}"'),
    ("$", '"$"'),
    ("{x}$", '"{x}$"'),
    ("$ {x}", '"$ {x}"'),
    ('say "hi"', '"say \\"hi\\""'),
    ("C:\\path\\", '"C:\\\\path\\\\"'),
    ('\\"', '"\\\\\\""'),
    ("line1\nline2", '"line1\\nline2"'),
    ("a\r\nb\tc", '"a\\r\\nb\\tc"'),
    ("<<EOF\nbody\nEOF", '"<<EOF\\nbody\\nEOF"'),
    ("EOF", '"EOF"'),
    (
        '"\n}\nresource "aws_iam_user" "evil" {\n  name = "x',
        '"\\"\\n}\\nresource \\"aws_iam_user\\" \\"evil\\" {\\n  name = \\"x"',
    ),
    ("# not a comment", '"# not a comment"'),
    ("// nor this /* */", '"// nor this /* */"'),
    ("nul\x00byte", '"nul\\u0000byte"'),
    ("bell\x07esc\x1b", '"bell\\u0007esc\\u001b"'),
    ("del\x7f c1\x85", '"del\\u007f c1\\u0085"'),
    ("rtl\u202eevil", '"rtl\\u202eevil"'),
    ("zero\u200bwidth", '"zero\\u200bwidth"'),
    ("sep\u2028para\u2029", '"sep\\u2028para\\u2029"'),
    ("bom\ufeff", '"bom\\ufeff"'),
    ("Grüße, 東京, Ελληνικά", '"Grüße, 東京, Ελληνικά"'),
    ("emoji 😀 👩‍💻", '"emoji 😀 👩\\u200d💻"'),
    ("tag\U000e0041", '"tag\\U000e0041"'),
    (FOUR_KB, '"' + FOUR_KB + '"'),
    ("${" * 5 + "}" * 5, '"' + "$${" * 5 + "}" * 5 + '"'),
]


@pytest.mark.parametrize(("value", "literal"), GOLDEN, ids=[f"g{i}" for i in range(len(GOLDEN))])
def test_golden_literals(value: str, literal: str):
    assert hcl_string(value) == literal


def _apply_outputs(folder: Path) -> dict[str, object]:
    """Apply a locals/outputs-only configuration (no provider needed) and read the outputs from the state."""
    retcode, _stdout, stderr = run(["apply", "-auto-approve", "-input=false", "-no-color", "-lock=false"], chdir=folder)
    assert retcode == 0, stderr
    state = json.loads((folder / "terraform.tfstate").read_text(encoding="utf-8"))
    return {name: output["value"] for name, output in state["outputs"].items()}


def _locals_config(values: dict[str, object]) -> str:
    """One local and one output per value, written with the same functions the templates use."""
    locals_block = "locals {\n" + "\n".join(f"  v{i} = {hcl_value(v)}" for i, v in enumerate(values.values())) + "\n}\n"
    outputs = "\n".join(f'output "v{i}" {{\n  value = local.v{i}\n}}\n' for i in range(len(values)))
    return finish(locals_block + "\n" + outputs)


def test_terraform_reads_every_golden_value_back(tmp_path: Path):
    values = {str(i): value for i, (value, _) in enumerate(GOLDEN)}
    (tmp_path / "main.tf").write_text(_locals_config(values), encoding="utf-8")
    assert fmt_check(tmp_path).clean
    outputs = _apply_outputs(tmp_path)
    for i, value in enumerate(values.values()):
        assert outputs[f"v{i}"] == value, (i, value)


def test_terraform_normalises_strings_to_nfc(tmp_path: Path):
    # Why generated code carries a note when AWS holds a value in another normal form.
    decomposed = "Cafe\u0301"
    (tmp_path / "main.tf").write_text(_locals_config({"a": decomposed}), encoding="utf-8")
    assert _apply_outputs(tmp_path)["v0"] == unicodedata.normalize("NFC", decomposed) != decomposed


# What EC2 lets a tag hold: keys up to 128 characters, values up to 256, any Unicode text (no surrogates).
tag_text = st.characters(exclude_categories=("Cs",))
tag_keys = st.text(tag_text, min_size=1, max_size=128).filter(lambda k: not k.lower().startswith("aws:"))
tag_maps = st.dictionaries(tag_keys, st.text(tag_text, max_size=256), min_size=1, max_size=6).filter(
    # Keys equal after NFC normalisation would be one key to Terraform; AWS itself never hands out such a pair.
    lambda tags: len({unicodedata.normalize("NFC", k) for k in tags}) == len(tags)
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tags=tag_maps)
def test_any_tags_render_and_terraform_reads_them_back(tags: dict[str, str], tmp_path_factory: pytest.TempPathFactory):
    resource = Resource(
        tf_type="aws_s3_bucket", import_id="tagged-bucket", name="tagged-bucket", arn="arn:aws:s3:::tagged-bucket",
        region="us-east-1", account_id="123456789012", actor="alice", console_url="", suggested_name="tagged",
        loses_data=True, tags=tags,
    )
    generation = CodeGenerator().generate(resource, None, name="tagged")
    code = tmp_path_factory.mktemp("code")
    write_tree(generation.files, code)
    assert_terraform_accepts(code)

    # The same quoting, evaluated by Terraform: every key and value comes back as it was (in NFC).
    evaluated = tmp_path_factory.mktemp("eval")
    (evaluated / "main.tf").write_text(_locals_config({"tags": dict(tags)}), encoding="utf-8")
    assert fmt_check(evaluated).clean
    [(key_values)] = _apply_outputs(evaluated).values()
    nfc = {unicodedata.normalize("NFC", k): unicodedata.normalize("NFC", v) for k, v in tags.items()}
    assert key_values == nfc


def test_comments_cannot_break_out_of_the_comment():
    comment = hcl_comment('denied\nresource "aws_iam_user" "x" {}\r\u2028}\x1b[2J')
    for line in comment.splitlines():
        assert line.startswith("#")
    assert "\x1b" not in comment and "\u2028" not in comment


def test_identifiers():
    assert hcl_identifier("My Bucket!") == "my_bucket"
    assert hcl_identifier("Café-Prod") == "cafe_prod"
    assert hcl_identifier("MyBucket v2") == "my_bucket_v2"
    assert hcl_identifier("9lives") == "r_9lives"
    assert hcl_identifier("東京") == "this"
    assert hcl_identifier("東京", fallback="bucket") == "bucket"
    assert hcl_identifier("__x__") == "x"
    assert len(hcl_identifier("a" * 300)) == 64
    assert hcl_identifier("${var.x}") == "var_x"


def test_unique_labels():
    assert unique_label("web", set()) == "web"
    assert unique_label("web", {"web"}) == "web_2"
    assert unique_label("web", {"web", "web_2"}) == "web_3"
    long = "a" * 64
    label = unique_label(long, {long})
    assert label.endswith("_2") and len(label) == 64


def test_alignment_matches_terraform_fmt(tmp_path: Path):
    text = finish(
        'resource "x" "y" {\n'
        '  a = 1\n  long_name = "v = w"\n'
        '  map = {\n    k = 1\n    longer_key = "#x"\n    "quoted key" = true\n  }\n'
        '  after = "z"\n\n  block {\n    n = [1, 2]\n  }\n}\n'
    )
    assert '  a         = 1\n  long_name = "v = w"' in text
    assert "    longer_key   = " in text
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    load_config_dir(tmp_path)
    assert fmt_check(tmp_path).clean, text
    assert align_assignments(text) == text


@settings(max_examples=200, deadline=None)
@given(name=st.text(max_size=300))
def test_any_name_becomes_a_valid_identifier(name: str):
    ident = hcl_identifier(name)
    assert re.fullmatch(r"[a-z_][a-z0-9_]{0,63}", ident)


json_leaf = st.none() | st.booleans() | st.integers(-(2**60), 2**60) | st.floats(allow_nan=False, allow_infinity=False)
json_docs = st.recursive(
    json_leaf | st.text(tag_text, max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(tag_text, max_size=12), inner, max_size=4),
    max_leaves=12,
).filter(lambda doc: _nfc_unique_keys(doc))


def _nfc_unique_keys(doc: object) -> bool:
    if isinstance(doc, dict):
        keys = [unicodedata.normalize("NFC", k) for k in doc]
        return len(set(keys)) == len(keys) and all(_nfc_unique_keys(v) for v in doc.values())
    if isinstance(doc, list):
        return all(_nfc_unique_keys(v) for v in doc)
    return True


def _nfc(doc: object) -> object:
    if isinstance(doc, str):
        return unicodedata.normalize("NFC", doc)
    if isinstance(doc, dict):
        return {_nfc(k): _nfc(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_nfc(v) for v in doc]
    return doc


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=st.dictionaries(st.text(tag_text, max_size=12), json_docs, min_size=1, max_size=4).filter(_nfc_unique_keys))
def test_json_documents_survive_jsonencode(doc: dict[str, object], tmp_path_factory: pytest.TempPathFactory):
    # Policies and definitions from AWS are written as jsonencode({...}): Terraform must encode the same document.
    folder = tmp_path_factory.mktemp("doc")
    document = hcl_value(JsonDocument(doc))
    text = finish(f'locals {{\n  doc = {document}\n}}\n\noutput "doc" {{\n  value = local.doc\n}}\n')
    (folder / "main.tf").write_text(text, encoding="utf-8")
    assert fmt_check(folder).clean, text
    assert _same(json.loads(_apply_outputs(folder)["doc"]), _nfc(doc))


def _same(got: object, want: object) -> bool:
    """Equal documents; a float may come back written as an integer (Terraform numbers are arbitrary precision)."""
    if isinstance(want, float) and isinstance(got, int | float) and not isinstance(got, bool):
        return float(got) == want
    if isinstance(want, dict) and isinstance(got, dict):
        return got.keys() == want.keys() and all(_same(got[k], want[k]) for k in want)
    if isinstance(want, list) and isinstance(got, list):
        return len(got) == len(want) and all(_same(g, w) for g, w in zip(got, want, strict=True))
    return type(got) is type(want) and got == want
