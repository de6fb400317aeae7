"""A warning is shown as one (issue 14 item 3): AAPC's membership-at-results condition
(AAPC-MEM-1, ``warning: true`` in the rules), not met, is a warning with the verdict, with what
was found and what to do, and not a recommendation; met, it is not shown at all."""

from __future__ import annotations

from click.testing import CliRunner

from eligibility.cli import main
from tests.conftest import PROFILES

X41 = PROFILES / "x41-aapc-membership-results.yaml"  # paid through 2027-01-31, CPC results 02-05
AT_RESULTS = "Keep AAPC membership current until the"


def _check(*args: str) -> str:
    result = CliRunner().invoke(main, ["check", str(X41), "--color", "never", *args])
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def test_membership_lapsing_before_the_results_is_a_warning_not_a_recommendation() -> None:
    text = _check("--cert", "CPC-exam")
    _, rest = text.split("MET: You may sit for the CPC exam.\n")
    warning, recommended = rest.split("Recommended (does not change the verdict):")
    assert warning.startswith(
        "  Warning: Keep AAPC membership current until the CPC results are released"
    )
    assert "    AAPC membership paid through: 2027-01-31 (2027-02-05 needed)" in warning
    assert "    What to do: renew your AAPC membership before the results are released." in warning
    # before the conditions: the warning goes with the verdict
    assert warning.index("Warning:") < warning.index("What AAPC asks before the CPC exam")
    assert AT_RESULTS not in recommended
    assert "An associate's degree (recommended, not required): no" in recommended


def test_a_met_warning_is_not_shown() -> None:
    text = _check("--cert", "CRC-exam")  # no CRC application: membership current today suffices
    assert "Warning:" not in text
    assert AT_RESULTS not in text
    assert "Recommended (does not change the verdict):" in text  # what AAPC advises stays


def test_the_summary_line_counts_the_warnings() -> None:
    lines = {line.split()[1]: line for line in _check().splitlines() if line.startswith("  ")}
    assert lines["CPC-exam"].endswith("(1 warning)")
    assert "warning" not in lines["CRC-exam"]
