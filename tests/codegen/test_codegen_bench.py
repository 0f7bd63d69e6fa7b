"""The code generation benchmark measures real renders and fmt checks, and `python -m bench` finds it."""

from __future__ import annotations

from bench import __main__ as bench_main
from bench.codegen_bench import load_resources, measure, report
from tests.conftest import CORPUS


def test_measure_times_render_and_fmt_for_each_resource():
    resources = load_resources(CORPUS)
    assert len({r.tf_type for r, _ in resources}) >= 25
    results = measure(resources[:4], rounds=1)
    assert len(results) == 4
    assert all(render > 0 and fmt > 0 for _, render, fmt in results)
    assert "4 resources of" in report(results)


def test_bench_main_discovers_the_codegen_bench():
    assert "codegen_bench" in bench_main.discover()
