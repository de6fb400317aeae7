"""Answers do not depend on the interpreter's hash seed (set order changes with it)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import PROFILES, ROOT


def test_every_answer_is_the_same_under_any_hash_seed():
    """Seeds 1 and 2 once listed Hana Sato's two one-step actions in opposite orders."""
    profiles = [str(path) for path in sorted(PROFILES.glob("*.yaml"))]
    outputs = {
        subprocess.run(
            [sys.executable, "-m", "eligibility", "check", *profiles, "--format", "json"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1
    assert '"actions"' in outputs.pop()
