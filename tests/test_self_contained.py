"""The checkout stands alone: no code, test or benchmark reads a path outside the repository.

Python sources are read with `ast`: a path built from `__file__` (Path(...).parent, .parents[n], `/ "..."`,
os.path.dirname, os.path.join) must not climb above the repository root, also through names imported from
another module of the repository (`from tests.conftest import ROOT`), and no string may name a `shared` folder as
a path part. Other text files (scripts, Makefiles, configuration) must not name such a folder beside the checkout.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from tests.paths import ROOT

# Trees that are not the project's own source: environments, caches, build output, and the copied test data.
SKIP_DIRS = {".git", ".venv", "venv", "build", "node_modules", "__pycache__", ".hypothesis", ".pytest_cache",
             ".mypy_cache", ".ruff_cache", "artifacts"}
SKIP_TREES = (ROOT / "tests" / "data",)
TEXT_SUFFIXES = {".sh", ".bash", ".toml", ".cfg", ".ini", ".yml", ".yaml", ".json", ".mk", ".tf", ".txt"}
TEXT_NAMES = {"Makefile", "Procfile", "Dockerfile"}
# A folder named `shared` as a path part: beside the checkout, at the start of a relative path, or absolute.
SHARED_PART = re.compile(r"(?:^|[/\\])shared(?:[/\\]|$)")
OUTSIDE_TEXT = re.compile(r"\.\./+shared\b")


def _walk(top: Path) -> Iterator[Path]:
    for path in sorted(top.iterdir()):
        if path.is_dir():
            if path.name in SKIP_DIRS or path.name.startswith(".") or path in SKIP_TREES:
                continue
            yield from _walk(path)
        elif path.is_file():
            yield path


def python_files() -> list[Path]:
    return [p for p in _walk(ROOT) if p.suffix == ".py"]


def text_files() -> list[Path]:
    return [p for p in _walk(ROOT) if p.suffix in TEXT_SUFFIXES or p.name in TEXT_NAMES]


def _module_file(module: str) -> Path | None:
    base = ROOT.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


class _Levels:
    """How far below the repository root each path expression of one source file is (root = 0), where known."""

    def __init__(self, path: Path, tree: ast.Module) -> None:
        self.path = path
        self.tree = tree
        # The file itself sits at depth len(parts): tests/conftest.py is 2, its folder 1, the root 0.
        self.file_level = len(path.relative_to(ROOT).parts)
        self.names: dict[str, ast.expr] = {}
        self.imported: dict[str, tuple[str, str]] = {}
        for node in tree.body:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        self.names[target.id] = node.value
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                self.names[node.target.id] = node.value
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    self.imported[alias.asname or alias.name] = (node.module, alias.name)

    def level(self, node: ast.AST, seen: frozenset[str] = frozenset()) -> int | None:
        """How deep below the repository root the path an expression builds is (negative: above it), if known."""
        step = {
            ast.Name: self._name_level, ast.Attribute: self._attribute_level, ast.Subscript: self._subscript_level,
            ast.BinOp: self._division_level, ast.Call: self._call_level,
        }.get(type(node))
        return step(node, seen) if step is not None else None

    def _name_level(self, node: ast.Name, seen: frozenset[str]) -> int | None:
        if node.id == "__file__":
            return self.file_level
        if node.id in seen:
            return None
        if node.id in self.names:
            return self.level(self.names[node.id], seen | {node.id})
        if node.id in self.imported:
            module, name = self.imported[node.id]
            return _imported_level(module, name)
        return None

    def _attribute_level(self, node: ast.Attribute, seen: frozenset[str]) -> int | None:
        if node.attr != "parent":
            return None
        inner = self.level(node.value, seen)
        return None if inner is None else inner - 1

    def _subscript_level(self, node: ast.Subscript, seen: frozenset[str]) -> int | None:
        # path.parents[n] is n + 1 folders up.
        if isinstance(node.value, ast.Attribute) and node.value.attr == "parents":
            inner = self.level(node.value.value, seen)
            index = node.slice
            if inner is not None and isinstance(index, ast.Constant) and isinstance(index.value, int):
                return inner - 1 - index.value
        return None

    def _division_level(self, node: ast.BinOp, seen: frozenset[str]) -> int | None:
        if not isinstance(node.op, ast.Div):
            return None
        inner = self.level(node.left, seen)
        return None if inner is None else _join(inner, node.right)

    def _call_level(self, node: ast.Call, seen: frozenset[str]) -> int | None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name in ("Path", "PurePath", "abspath", "realpath", "normpath") and len(node.args) == 1:
            return self.level(node.args[0], seen)
        if name in ("resolve", "absolute") and isinstance(func, ast.Attribute):
            return self.level(func.value, seen)
        if name == "dirname" and len(node.args) == 1:
            inner = self.level(node.args[0], seen)
            return None if inner is None else inner - 1
        if name == "joinpath" and isinstance(func, ast.Attribute):
            return self._joined_level(func.value, node.args, seen)
        if name == "join" and node.args:  # os.path.join(first, *rest)
            return self._joined_level(node.args[0], node.args[1:], seen)
        return None

    def _joined_level(self, first: ast.expr, rest: list[ast.expr], seen: frozenset[str]) -> int | None:
        level = self.level(first, seen)
        for part in rest:
            if level is None or level < 0:
                return level
            level = _join(level, part)
        return level

    def escapes(self) -> list[str]:
        """Each expression whose path climbs above the repository root, as `line: source`."""
        found = []
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Attribute | ast.Subscript | ast.Call | ast.BinOp):
                level = self.level(node)
                if level is not None and level < 0:
                    found.append(f"{node.lineno}: {ast.unparse(node)}")
        return found


def _join(level: int, part: ast.AST) -> int | None:
    if not (isinstance(part, ast.Constant) and isinstance(part.value, str)):
        return None
    for step in re.split(r"[/\\]+", part.value):
        if step == "..":
            level -= 1
            if level < 0:
                return level  # climbed out: what follows names something beside the checkout
        elif step not in ("", "."):
            level += 1
    return level


@cache
def _parsed(path: Path) -> _Levels:
    return _Levels(path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))


def _imported_level(module: str, name: str) -> int | None:
    path = _module_file(module)
    if path is None:
        return None
    levels = _parsed(path)
    value = levels.names.get(name)
    if value is not None:
        return levels.level(value, frozenset({name}))
    if name in levels.imported:
        return _imported_level(*levels.imported[name])
    return None


def shared_strings(tree: ast.AST) -> list[str]:
    """String constants that name a `shared` folder as a path part (not words such as "shared VPC")."""
    return [
        f"{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and SHARED_PART.search(node.value)
    ]


def outside_references(path: Path) -> list[str]:
    """Everything in one Python source file that reaches outside the repository."""
    levels = _parsed(path)
    return levels.escapes() + shared_strings(levels.tree)


def _check(source: str, relative: str) -> list[str]:
    path = ROOT / relative
    levels = _Levels(path, ast.parse(source))
    return levels.escapes() + shared_strings(levels.tree)


# The folder's name is written upper-case and lowered before the check, so this file does not itself name it.
@pytest.mark.parametrize(
    ("source", "relative"),
    [
        ('ROOT = Path(__file__).resolve().parent.parent\nCORPUS = ROOT.parent / "SHARED" / "corpus"\n',
         "tests/conftest.py"),
        ("X = Path(__file__).resolve().parent.parent.parent / 'SHARED' / 'corpus'\n", "bench/classify_bench.py"),
        ("X = Path(__file__).resolve().parent.parent.parent\n", "bench/classify_bench.py"),
        ("from tests.conftest import ROOT\nX = ROOT.parent\n", "tests/x.py"),
        ("X = Path(__file__).parents[2]\n", "tests/x.py"),
        ("X = Path(__file__).parent / '..' / '..' / 'elsewhere'\n", "tests/x.py"),
        ("X = os.path.join(os.path.dirname(__file__), '..', '..', 'elsewhere')\n", "tests/x.py"),
        ("X = Path('/work/SHARED/slack/spec.json')\n", "tests/x.py"),
        ("X = Path('../SHARED')\n", "tests/x.py"),
    ],
)
def test_the_check_catches_paths_outside_the_repository(source: str, relative: str) -> None:
    assert _check(source.replace("SHARED", "SHARED".lower()), relative)


@pytest.mark.parametrize(
    ("source", "relative"),
    [
        ("ROOT = Path(__file__).resolve().parent.parent\nDATA = ROOT / 'tests' / 'data' / 'corpus'\n",
         "tests/conftest.py"),
        ("X = Path(__file__).parents[1] / 'data'\n", "tests/x.py"),
        ("# a shared VPC\nnote = 'the owner of a shared VPC'\nflag = {'is_shared': False}\n", "bot/x.py"),
        ("if source.startswith(('./', '../')): pass\n", "bot/x.py"),
    ],
)
def test_the_check_lets_paths_inside_the_repository_pass(source: str, relative: str) -> None:
    assert not _check(source, relative)


def test_imported_names_are_followed() -> None:
    # tests/paths.py's ROOT is the repository root: one more .parent leaves it.
    assert _check("from tests.paths import ROOT\nX = ROOT.parent / 'x'\n", "tests/x.py")
    assert not _check("from tests.paths import ROOT\nX = ROOT / 'tests' / 'data'\n", "tests/x.py")


def test_no_python_source_reads_outside_the_repository() -> None:
    files = python_files()
    assert ROOT / "tests" / "conftest.py" in files
    found = {str(p.relative_to(ROOT)): refs for p in files if (refs := outside_references(p))}
    assert not found, f"paths outside the repository: {found}"


def test_no_script_or_configuration_names_a_folder_beside_the_checkout() -> None:
    found = {
        str(p.relative_to(ROOT)): hits
        for p in text_files()
        if (hits := OUTSIDE_TEXT.findall(p.read_text(encoding="utf-8", errors="replace")))
    }
    assert not found, f"paths outside the repository: {found}"
