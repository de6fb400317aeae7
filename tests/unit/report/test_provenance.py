"""What every report states (docs/report-format.md): rule files named from the rule book's root
however it was given, the policies in effect, the rule versions used once each, the text
report's last line."""

from __future__ import annotations

import shutil
from datetime import date

from eligibility import __version__
from eligibility.report.provenance import footer_text, policies_used, rule_file, rules_json
from eligibility.rulebook.rules import load_rulebook
from tests.conftest import PROFILES, RULES


def test_a_rule_file_is_named_from_the_root_however_the_root_is_written(tmp_path, monkeypatch):
    shutil.copytree(RULES / "aapc", tmp_path / "my-rules" / "aapc")
    monkeypatch.chdir(tmp_path)
    for file, root in (
        ("my-rules/aapc/crc.yaml", "my-rules"),  # --rules my-rules, as typed
        (str(tmp_path / "my-rules" / "aapc" / "crc.yaml"), "my-rules"),
        ("my-rules/aapc/crc.yaml", str(tmp_path / "my-rules/")),
        ("./my-rules/aapc/../aapc/crc.yaml", "./my-rules"),
    ):
        assert rule_file(file, root) == "aapc/crc.yaml", (file, root)


def test_by_default_rule_files_are_named_from_the_bundled_rules(rulebook):
    version = rulebook.credentials[0].versions[0]
    assert rule_file(version.file) == rule_file(version.file, str(RULES))
    assert not rule_file(version.file).startswith("/")


def test_every_policy_is_stated_with_its_value_in_effect(rulebook):
    some = next(iter(rulebook.policies.values()))
    other = next(value for value in some.values if value != some.default)
    used = policies_used(rulebook.policies, {some.id: other})
    assert set(used) == set(rulebook.policies)
    assert used[some.id] == other
    assert all(used[p.id] == p.default for p in rulebook.policies.values() if p.id != some.id)


def test_each_rule_version_is_named_once_in_the_order_first_used(rulebook):
    versions = [v for credential in rulebook.credentials for v in credential.versions]
    named = rules_json([*versions, *reversed(versions)], rulebook.directory)
    assert [(r["id"], r["file"]) for r in named] == list(
        dict.fromkeys((v.id, rule_file(v.file, rulebook.directory)) for v in versions)
    )


def test_the_text_footer_says_who_answered_when_on_which_rules_and_policies():
    book = load_rulebook(str(RULES))
    version = book.credentials[0].versions[0]
    plain = footer_text(date(2026, 11, 22), [version, version], {})
    assert plain == (
        f"Answered by eligibility {__version__} · as of 2026-11-22 · rules:"
        f" {version.id} {version.version} · policies: none settled (an answer an open question would change says so)\n"
        f"This is not an official determination by {version.body}: confirm with the certifying body"
        " before applying or relying on it."
    )
    policy = book.policies["part_time_counting"]
    settled = footer_text(date(2026, 11, 22), [], {"part_time_counting": "fte40"}, book.policies)
    assert settled.splitlines()[0].endswith(
        f"rules: none · policies: {policy.question} {policy.values['fte40'][:1].upper()}"
        f"{policy.values['fte40'][1:]} (chosen for this run). The others not settled (an answer one would change says so)."
    )
    assert settled.splitlines()[1].startswith("This is not an official determination by the")


def test_the_text_footer_says_policies_in_words_not_ids(rulebook):
    """The footer of ``check`` says a chosen policy as the director's outputs do (its question
    and the reading, marked chosen), never ``id=value``; so does the summary's first line."""
    from eligibility.api import check
    from eligibility.report.provenance import policy_lines

    chosen = {"part_time_counting": "fte40", "ged_accepted_ahima": "no"}
    footer = footer_text(date(2026, 11, 22), [], chosen, rulebook.policies)
    for line in policy_lines({k: rulebook.policies[k] for k in chosen}, chosen):
        assert line in footer and line.endswith("(chosen for this run).")
    assert not any(k in footer for k in rulebook.policies), footer
    assert "=" not in footer
    text = check(PROFILES / "c09-hana-sato.yaml", policies=chosen).to_text()
    head, *_, last, notice = text.splitlines()
    assert "2 open questions of the sources settled for this run" in head
    assert last.startswith("Answered by") and "part-time coding work" in last
    assert notice.startswith("This is not an official determination by AAPC")
    assert not any(f"{k}=" in text for k in chosen), text


def test_a_rule_version_with_no_start_date_says_so_in_words(rulebook):
    """'in force … to now' left a candidate guessing; a version the sources give no start for
    says that instead."""
    from dataclasses import replace

    from eligibility.report.render import _version_line

    version = next(v for c in rulebook.credentials for v in c.versions)
    undated = replace(version, valid_from=None, valid_until=None)
    line = _version_line(undated)
    assert "…" not in line and "in force now (the sources give no start date)" in line
    dated = _version_line(replace(version, valid_from=date(2023, 1, 1), valid_until=None))
    assert "in force 2023-01-01 to now" in dated
