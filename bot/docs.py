"""The README's table of supported resource types, written from the catalog so the two cannot drift apart.

`python -m bot.docs` rewrites the table in README.md; `--check` exits 1 when it is stale.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.catalog import CATALOG, DELETE, entries

START = "<!-- supported-types:start (python -m bot.docs) -->"
END = "<!-- supported-types:end -->"
README = Path(__file__).resolve().parent.parent / "README.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _delete_cell(tf_type: str) -> str:
    """Whether Delete is offered from Slack: yes (and whether it loses data), or why not."""
    refuses = getattr(DELETE[tf_type], "refuses", None)
    if refuses:
        return f"no: {refuses}"
    return "yes, losing data" if CATALOG[tf_type].loses_data else "yes"


def supported_types_table() -> str:
    """One row per catalog entry: type, what people call it, the events that create it, the import ID (and the call
    that finds it when a record lacks it), and whether Slack's Delete acts on it."""
    listed = list(entries())
    rows = [
        f"{len(listed)} types.",
        "",
        "| Terraform type | Resource | Created by (CloudTrail) | Import ID | When the record lacks it | Delete |",
        "|---|---|---|---|---|---|",
    ]
    for entry in listed:
        lookup = f"`{entry.lookup.call}`" if entry.lookup is not None else ""
        rows.append(
            f"| `{entry.tf_type}` | {_cell(entry.label)} | {_cell(', '.join(entry.create_events))} "
            f"| {_cell(entry.import_id_format)} | {lookup} | {_cell(_delete_cell(entry.tf_type))} |"
        )
    return "\n".join(rows)


def render_readme(text: str) -> str:
    """The README with the table between the markers replaced by the catalog's current one."""
    head, start, rest = text.partition(START)
    _, end, tail = rest.partition(END)
    if not start or not end:
        raise ValueError(f"README.md lacks the markers {START!r} and {END!r}")
    return f"{head}{START}\n{supported_types_table()}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.docs", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if README.md's table is stale")
    args = parser.parse_args(argv)
    current = README.read_text(encoding="utf-8")
    wanted = render_readme(current)
    if args.check:
        if current != wanted:
            print("README.md's supported types table is stale: run python -m bot.docs", file=sys.stderr)
            return 1
        return 0
    README.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
