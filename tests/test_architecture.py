"""The layout's promises, checked on the import graph: no cycle, and arrows that run one way only.

root (app.py) -> handlers/ -> slack_adapters/ -> bot/ (the engine); renderers/ are pure and used from above;
sandbox/ is a tool of its own that production never imports. Every import counts, also the ones inside functions
and under TYPE_CHECKING: a cycle hidden in a function is still a cycle of the design.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "slack_adapters", "renderers", "sandbox")
TOP_MODULES = ("app",)
# The entry shim `python -m bot` runs: it only hands over to the composition root, and nothing imports it.
ENTRY_POINTS = frozenset({"bot.__main__"})

# What each layer must never import (prefix match on module names).
FORBIDDEN = {
    "bot": ("app", "handlers", "slack_adapters", "sandbox", "slack_bolt", "slack_sdk", "moto"),
    "renderers": ("app", "handlers", "slack_adapters", "sandbox", "slack_bolt", "moto"),
    "slack_adapters": ("app", "handlers", "sandbox", "moto"),
    "handlers": ("app", "sandbox", "moto"),
    "sandbox": ("app", "handlers", "slack_adapters"),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    found = {name: ROOT / f"{name}.py" for name in TOP_MODULES}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            found[module_name(path)] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> Iterator[str]:
    """Every module `name` imports, anywhere in its source; `from a import b` is `a.b` when that is a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                yield candidate if candidate in known else base


def graph() -> dict[str, set[str]]:
    modules = project_modules()
    known = set(modules)
    return {name: set(imports_of(name, path, known)) for name, path in modules.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), or a module importing itself."""
    return _Tarjan(edges).components()


class _Tarjan:
    def __init__(self, edges: dict[str, set[str]]) -> None:
        self.edges = edges
        self.index: dict[str, int] = {}
        self.low: dict[str, int] = {}
        self.stack: list[str] = []
        self.on_stack: set[str] = set()
        self.found: list[list[str]] = []

    def components(self) -> list[list[str]]:
        sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
        for node in sorted(self.edges):
            if node not in self.index:
                self.visit(node)
        return self.found

    def visit(self, node: str) -> None:
        self.index[node] = self.low[node] = len(self.index)
        self.stack.append(node)
        self.on_stack.add(node)
        for target in self.edges.get(node, ()):
            if target not in self.edges:
                continue
            if target not in self.index:
                self.visit(target)
                self.low[node] = min(self.low[node], self.low[target])
            elif target in self.on_stack:
                self.low[node] = min(self.low[node], self.index[target])
        if self.low[node] == self.index[node]:
            self.pop_component(node)

    def pop_component(self, node: str) -> None:
        component = []
        while True:
            member = self.stack.pop()
            self.on_stack.discard(member)
            component.append(member)
            if member == node:
                break
        if len(component) > 1 or node in self.edges.get(node, ()):
            self.found.append(sorted(component))


def layer(name: str) -> str:
    return name.split(".", 1)[0]


def test_the_import_graph_has_no_cycle() -> None:
    edges = graph()
    assert len(edges) > 100, "the walk found too few modules to mean anything"
    assert cycles(edges) == []


def test_arrows_run_from_the_root_down_to_the_engine() -> None:
    wrong = []
    for name, targets in graph().items():
        if name in ENTRY_POINTS:
            continue
        for target in targets:
            if any(target == f or target.startswith(f + ".") for f in FORBIDDEN.get(layer(name), ())):
                wrong.append(f"{name} imports {target}")
    assert sorted(wrong) == []


def test_the_checks_see_a_cycle_and_a_wrong_arrow() -> None:
    """The walk itself works: a made-up cycle and an engine module importing Slack are both found."""
    edges = {"bot.a": {"bot.b"}, "bot.b": {"bot.c"}, "bot.c": {"bot.a"}, "bot.d": {"bot.d"}, "bot.e": set()}
    assert cycles(edges) == [["bot.a", "bot.b", "bot.c"], ["bot.d"]]
    tree_known = {"slack_adapters.notifier"}
    fake = ROOT / "build" / "arch-probe" / "bot" / "probe.py"
    fake.parent.mkdir(parents=True, exist_ok=True)
    fake.write_text("def f():\n    from slack_adapters import notifier\n", encoding="utf-8")
    assert list(imports_of("bot.probe", fake, tree_known)) == ["slack_adapters.notifier"]


def test_the_production_process_imports_neither_the_sandbox_nor_moto() -> None:
    """Building tfsync's production wiring (as `python -m bot` with Slack tokens does) loads no sandbox module."""
    probe = (
        "import json, sys\n"
        "import app\n"
        "from bot.config import Settings\n"
        "settings = Settings.from_env({'SLACK_BOT_TOKEN': 'xoxb-1', 'SLACK_APP_TOKEN': 'xapp-1',"
        " 'TFSYNC_RUNNER': 'local', 'TFSYNC_REPOSITORY_PATH': '/tmp', 'AWS_DEFAULT_REGION': 'us-east-1'})\n"
        "services = app.build_services(settings, repo=None)\n"
        "app.build_app(services)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('sandbox', 'moto'))))\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []


@pytest.mark.parametrize("requirements", ["requirements.txt"])
def test_the_runtime_requirements_do_not_ship_the_embedded_aws(requirements: str) -> None:
    names = [line.split("==")[0].split("[")[0].strip().lower()
             for line in (ROOT / requirements).read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith(("#", "-"))]
    assert "moto" not in names
