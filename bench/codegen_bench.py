"""Code generation time per resource: render (model + template + layout) and `terraform fmt -check` of the result.

The resources are every creation the corpus (tests/data/corpus/cloudtrail) holds, rendered from their events (no AWS
calls, so the figure is tfsync's own work, not an API's latency). fmt runs in the Terraform worker process
(`bot.terraform`), on the files written to a scratch folder, as the tests and the adopt pipeline check them; the
figure includes the round trip to the worker. Each resource is measured over several rounds and its best round is
kept; the table gives the median per type and the spread over all.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import defaultdict
from pathlib import Path

from bot.classify import Classifier, Resource
from bot.codegen import CodeGenerator
from bot.events import CloudTrailRecord
from bot.terraform import fmt_check_files
from tests.paths import CORPUS


def load_resources(corpus: Path = CORPUS) -> list[tuple[Resource, CloudTrailRecord]]:
    """Every resource a corpus record creates, with its record."""
    classifier = Classifier()
    found: list[tuple[Resource, CloudTrailRecord]] = []
    for path in sorted(corpus.glob("*.json")):
        record = CloudTrailRecord(json.loads(path.read_text(encoding="utf-8")), path.name)
        result = classifier.classify(record)
        if result.verdict == "detected":
            found.extend((resource, record) for resource in result.resources)
    return found


def measure(items: list[tuple[Resource, CloudTrailRecord]], rounds: int) -> list[tuple[str, float, float]]:
    """(type, best render seconds, best fmt-check seconds) per resource."""
    generator = CodeGenerator()
    fmt_check_files({"warm.tf": "locals {}\n"})  # starts the Terraform worker once, outside the figures
    results = []
    for resource, record in items:
        render_best = fmt_best = float("inf")
        for _ in range(rounds):
            start = time.perf_counter()
            generation = generator.generate(resource, record)
            rendered = time.perf_counter()
            result = fmt_check_files({f.path: f.content for f in generation.files})
            checked = time.perf_counter()
            if not result.clean:
                raise AssertionError(f"{resource.tf_type} {resource.import_id}: not fmt-clean: {result}")
            render_best = min(render_best, rendered - start)
            fmt_best = min(fmt_best, checked - rendered)
        results.append((resource.tf_type, render_best, fmt_best))
    return results


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:7.2f}"


def report(results: list[tuple[str, float, float]]) -> str:
    by_type: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for tf_type, render, fmt in results:
        by_type[tf_type].append((render, fmt))
    lines = [f"{'type':34} {'n':>3} {'render ms':>10} {'fmt ms':>8} {'total ms':>9}"]
    for tf_type in sorted(by_type):
        renders = [r for r, _ in by_type[tf_type]]
        fmts = [f for _, f in by_type[tf_type]]
        render, fmt = statistics.median(renders), statistics.median(fmts)
        lines.append(f"{tf_type:34} {len(renders):>3} {_ms(render):>10} {_ms(fmt):>8} {_ms(render + fmt):>9}")
    totals = sorted(r + f for _, r, f in results)
    p95 = totals[min(len(totals) - 1, round(0.95 * (len(totals) - 1)))]
    median = statistics.median(totals)
    lines.append(
        f"{len(results)} resources of {len(by_type)} types: render+fmt per resource median {_ms(median)} ms,"
        f" p95 {_ms(p95)} ms, max {_ms(totals[-1])} ms"
    )
    return "\n".join(lines)


def run(rounds: int = 5, corpus: Path = CORPUS) -> bool:
    """Print the figures; the issue sets no target for them, so this always reports success."""
    results = measure(load_resources(corpus), rounds)
    print("code generation: render + terraform fmt -check, per resource (best of", rounds, "rounds)")
    print(report(results))
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.codegen_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds per resource; the best is kept")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder of CloudTrail records")
    args = parser.parse_args(argv)
    return 0 if run(args.rounds, args.corpus) else 1


if __name__ == "__main__":
    raise SystemExit(main())
