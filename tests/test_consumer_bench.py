"""The consumer benchmark's queue is the mix it claims: new resources, second deliveries, read-only noise."""

from __future__ import annotations

import json
from collections import Counter

from bench import __main__ as bench_main
from bench.consumer_bench import CREATE_SHARE, DUPLICATE_SHARE, build_bodies
from bot.classify import Classifier
from bot.events import parse_body


def test_the_mix_has_the_stated_shares_and_every_resource_is_distinct() -> None:
    bodies, resources = build_bodies(1000)
    assert len(bodies) == 1000 and resources == int(1000 * CREATE_SHARE)
    classifier = Classifier()
    verdicts: Counter[str] = Counter()
    names: Counter[str] = Counter()
    for body in bodies:
        (result,) = classifier.classify_envelope(parse_body(body, "bench", 1 << 20))
        verdicts[result.reason_code or result.verdict] += 1
        names.update(r.import_id for r in result.resources)
    assert verdicts["detected"] == resources + int(1000 * DUPLICATE_SHARE)
    assert verdicts["read-only"] == 1000 - verdicts["detected"]
    assert len(names) == resources and sum(c == 2 for c in names.values()) == int(1000 * DUPLICATE_SHARE)
    assert build_bodies(1000)[0] == bodies  # seeded
    assert all(json.loads(b)["detail-type"] == "AWS API Call via CloudTrail" for b in bodies)


def test_python_m_bench_finds_it() -> None:
    assert "consumer_bench" in bench_main.discover()
