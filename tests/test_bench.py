"""The benchmark measures what it says: the mix it builds, and that `python -m bench` finds and runs it."""

from __future__ import annotations

import json

from bench import __main__ as bench_main
from bench.classify_bench import NOISE_PER_WRITE, build_mix, load_corpus, measure
from bot.events import parse_body
from bot.filters import is_read_only
from tests.conftest import CORPUS


def test_mix_is_the_corpus_plus_twenty_read_only_records_per_write():
    records = load_corpus(CORPUS)
    bodies, writes, read_only = build_mix(records)
    assert len(bodies) == writes + read_only and read_only == NOISE_PER_WRITE * writes
    assert writes >= 90  # every write of the corpus is in
    parsed = [parse_body(body, "b", 1 << 20) for body in bodies]
    assert all(len(e.records) == 1 and not e.errors for e in parsed)
    assert all(json.loads(body)["detail-type"] == "AWS API Call via CloudTrail" for body in bodies)
    corpus_ids = {r.get("eventID") or "" for r in records}
    fresh = [e.records[0].event_id for e in parsed if e.records[0].event_id not in corpus_ids]
    corpus_read_only = sum(is_read_only(parse_body(json.dumps(r), "c", 1 << 20).records[0]) for r in records)
    assert len(set(fresh)) == len(fresh) == read_only - corpus_read_only  # every noise record has its own id
    assert sum(is_read_only(e.records[0]) for e in parsed) == read_only
    assert build_mix(records)[0] == bodies  # seeded: the same mix on every run


def test_measure_reads_every_body():
    bodies, _, _ = build_mix(load_corpus(CORPUS))
    json_seconds, pipeline_seconds, verdicts = measure(bodies[:300], rounds=1)
    assert json_seconds > 0 and pipeline_seconds > 0
    assert sum(verdicts.values()) == 300 and verdicts["read-only"] > 200


def test_bench_main_discovers_every_bench_module():
    assert "classify_bench" in bench_main.discover()
