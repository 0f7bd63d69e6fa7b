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


def test_log_file_measure_reads_every_record():
    from bench.classify_bench import log_file_bytes, log_file_records, measure_log_file

    bodies, _, _ = build_mix(load_corpus(CORPUS))
    data = log_file_bytes(log_file_records(bodies[:300]))
    assert json.loads(data)["Records"] == [json.loads(body)["detail"] for body in bodies[:300]]
    json_seconds, pipeline_seconds, classified = measure_log_file(data, rounds=1)
    assert json_seconds > 0 and pipeline_seconds > 0 and classified == 300


def test_generated_log_files_hold_what_they_say(tmp_path):
    from bench.classify_bench import write_log_file

    records = [json.loads(body)["detail"] for body in build_mix(load_corpus(CORPUS))[0][:50]]
    by_count, by_size = tmp_path / "count.json", tmp_path / "size.json"
    assert write_log_file(by_count, records, count=120) == 120
    assert json.loads(by_count.read_bytes())["Records"] == (records * 3)[:120]
    held = write_log_file(by_size, records, size=100_000)
    assert 100_000 - 5_000 < by_size.stat().st_size <= 100_000
    assert len(json.loads(by_size.read_bytes())["Records"]) == held


def test_the_classify_bench_prints_every_figure(capsys):
    import os

    from bench.classify_bench import run

    cpus = os.sched_getaffinity(0)
    run(rounds=1, cli_records=300, cli_rounds=1, big_file_bytes=1 << 20)
    out = capsys.readouterr().out
    assert os.sched_getaffinity(0) == cpus  # pinned while it ran, not after
    assert out.count("ratio to json.loads:") == 2
    assert "300 records" in out and out.count("records per CPU second:") == 2 and "peak RSS:" in out
    assert "start-up alone (no records):" in out
