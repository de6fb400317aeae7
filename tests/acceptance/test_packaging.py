"""What the built wheel carries and how the installed package behaves: the licence, type hints,
project metadata, the rules and schemas found from any folder; ``batch --jobs`` where processes
are not forked. (``.ci/wheel-smoke`` installs the wheel with each extra in fresh environments.)"""

from __future__ import annotations

import email
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import eligibility
from tests.conftest import PROFILES, ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", folder, ROOT],
        check=True,
        capture_output=True,
    )
    (found,) = folder.glob("eligibility-*.whl")
    return found


def test_the_wheel_carries_licence_type_hints_rules_and_schemas(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    info = f"eligibility-{eligibility.__version__}.dist-info"
    assert f"{info}/licenses/LICENSE" in names
    assert "eligibility/py.typed" in names
    for needed in ("credentials.yaml", "policies.yaml", "facts.yaml"):
        assert f"eligibility/_data/rules/{needed}" in names
    assert any(n.startswith("eligibility/_data/rules/tests/profiles/") for n in names)
    schemas = {Path(n).name for n in names if n.startswith("eligibility/_data/schemas/")}
    assert schemas == {p.name for p in (ROOT / "schemas").glob("*.json")}


def test_the_wheel_says_licence_urls_classifiers_and_version(wheel):
    info = f"eligibility-{eligibility.__version__}.dist-info/METADATA"
    metadata = email.message_from_bytes(zipfile.ZipFile(wheel).read(info))
    assert metadata["Version"] == eligibility.__version__
    assert "MIT" in metadata["License"]
    urls = dict(u.split(", ", 1) for u in metadata.get_all("Project-URL"))
    assert set(urls) >= {"Documentation", "Changelog"}
    for url in urls.values():  # placeholders on the reserved domain, naming shipped documents
        assert url.startswith("https://eligibility.invalid/")
        assert (ROOT / url.removeprefix("https://eligibility.invalid/")).is_file()
    classifiers = metadata.get_all("Classifier")
    assert "License :: OSI Approved :: MIT License" in classifiers
    assert "Typing :: Typed" in classifiers
    assert "Operating System :: POSIX :: Linux" in classifiers


def test_the_unpacked_wheel_finds_its_own_rules_from_another_folder(wheel, tmp_path):
    """Its rules and schemas are its own copies, whatever the working folder."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import json, eligibility\n"
        "from eligibility.resources import data_dir\n"
        "report = eligibility.check({'name': 'A', 'as_of': '2026-11-22'}, certs='CPC-exam')\n"
        "print(json.dumps([eligibility.__file__, str(data_dir('rules')),"
        " str(data_dir('schemas')), report.status('CPC-exam')]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site), "ELIGIBILITY_NO_CACHE": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=elsewhere, env=env
    )
    assert result.returncode == 0, result.stderr
    module, rules, schemas, status = json.loads(result.stdout)
    package = site / "eligibility"
    assert Path(module).parent == package
    assert (Path(rules), Path(schemas)) == (package / "_data/rules", package / "_data/schemas")
    assert status == "not_met"  # no AAPC membership


def test_the_changelog_has_an_unreleased_section_and_ci_runs_the_wheel_smoke_test():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog and "keepachangelog.com" in changelog
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ".ci/wheel-smoke" in run
    assert os.access(ROOT / ".ci" / "wheel-smoke", os.X_OK)


# --- batch --jobs where processes are not forked ---------------------------------------------------

# ``eligibility batch`` in a process whose start method is set (as on macOS and Windows, where it
# is spawn), saying which start method each pool of workers used.
_BATCH_STARTED_AS = """
import concurrent.futures, multiprocessing, sys
multiprocessing.set_start_method({method!r})
started = []
made = concurrent.futures.ProcessPoolExecutor.__init__
def spy(self, *args, mp_context=None, **options):
    started.append(mp_context.get_start_method())
    made(self, *args, mp_context=mp_context, **options)
concurrent.futures.ProcessPoolExecutor.__init__ = spy
from eligibility.cli import main
try:
    main({args!r})
except SystemExit as done:
    code = done.code
sys.stderr.write("\\nSTARTED " + repr(started) + "\\n")
sys.exit(code)
"""


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


@pytest.mark.skipif(_cores() < 2, reason="--jobs 2 needs two cores to start two workers")
@pytest.mark.parametrize("cohort", ["folder", "stream"])
def test_jobs_2_under_spawn_gives_the_reports_of_one_process(tmp_path, cohort):
    """A folder is cut into shards each worker reads; a YAML stream cannot be cut, so this
    process reads it and sends the workers chunks of rows."""
    source = PROFILES
    if cohort == "stream":
        source = tmp_path / "cohort.yaml"
        texts = [p.read_text(encoding="utf-8") for p in sorted(PROFILES.glob("*.yaml"))]
        source.write_text("\n---\n".join(texts), encoding="utf-8")
    outputs = {}
    for method, jobs in (("spawn", "2"), ("fork", "1")):
        folder = tmp_path / f"{method}-{jobs}"
        folder.mkdir()
        args = ["batch", str(source), "--out", str(folder / "r.csv"), "--summary",
                str(folder / "s.md"), "--as-of", "2026-11-22", "--jobs", jobs]  # fmt: skip
        code = _BATCH_STARTED_AS.format(method=method, args=args)
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=600
        )
        assert result.returncode == 0, result.stderr
        started = result.stderr.rsplit("STARTED ", 1)[1].strip()
        assert started == ("['spawn']" if jobs == "2" else "[]"), result.stderr
        outputs[method] = [(folder / name).read_bytes() for name in ("r.csv", "s.md")]
        assert sorted(p.name for p in folder.iterdir()) == ["r.csv", "s.md"]  # no part left
    assert outputs["spawn"] == outputs["fork"]
