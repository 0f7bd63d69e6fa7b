"""The README agrees with the code: its supported types table and its settings table."""

from __future__ import annotations

import re

from bot import config, docs
from bot.catalog import CATALOG


def test_readme_supported_types_table_is_the_catalogs():
    text = docs.README.read_text(encoding="utf-8")
    assert text == docs.render_readme(text), "run: python -m bot.docs"
    listed = set(re.findall(r"^\| `(aws_[a-z0-9_]+)` \|", text, flags=re.M))
    assert listed == set(CATALOG)
    assert len(listed) >= 60


def test_readme_documents_every_setting_the_bot_reads():
    text = docs.README.read_text(encoding="utf-8")
    missing = [name for name in config.ENV_VARS if f"`{name}`" not in text]
    assert not missing, f"settings missing from README.md: {missing}"
