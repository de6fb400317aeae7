"""report_version is raised when a report's shape changes (docs/report-format.md): the shapes of
the report and listing schemas (descriptions and titles aside) are held to a fingerprint per
version, so that changing one without raising the number fails here."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from eligibility.report.provenance import REPORT_VERSION
from tests.conftest import ROOT

SHAPED = ("report", "list")  # the schemas of outputs that state report_version
WORDS = {"description", "title", "$comment", "examples"}  # say what a shape means, not what it is
# report_version -> the fingerprint of SHAPED's shapes. A new shape: raise REPORT_VERSION (and the
# schemas' report_version const), add a line here with the new fingerprint, and say what changed
# under "report_version" in docs/report-format.md.
FINGERPRINTS = {
    2: "9b380ec77d661e4b",
    3: "81dbb9fb5000e57a",  # issue 15: the lean JSON Lines report and eligible_by
    4: "39b2e7b240e77889",  # issue 14: found_range (item 7), warning (item 3)
    5: "a67f05b418bf0af5",  # issue 14: standing_unknown (a standing a date decides)
    6: "f83cbec920ddf8ba",  # issue 14: standing_if_not_met (an unknown keeping check)
    7: "10fda04e4cc54ed0",  # issue 14: applies_unknown (whether a check applies is not known)
    8: "774083f9e507d17c",  # issue 15: tool.notice (not an official determination)
    9: "a673997dd86f6684",  # issue 14: other_readings say why (closest, lacking, depends_on)
    10: "363452365c9da55f",  # issue 14: found_range of days (a date known to the year)
    11: "646c883f9a7cbfec",  # issue 15: eligible_by.readings (a date an open question moves)
}


def _shape(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _shape(value) for key, value in node.items() if key not in WORDS}
    if isinstance(node, list):
        return [_shape(value) for value in node]
    return node


def fingerprint() -> str:
    shapes = {
        name: _shape(json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text("utf-8")))
        for name in SHAPED
    }
    return hashlib.sha256(json.dumps(shapes, sort_keys=True).encode()).hexdigest()[:16]


def test_the_report_shapes_are_those_of_their_report_version() -> None:
    assert REPORT_VERSION in FINGERPRINTS, f"record report_version {REPORT_VERSION}'s fingerprint"
    assert fingerprint() == FINGERPRINTS[REPORT_VERSION], (
        f"the report schemas' shapes changed (fingerprint {fingerprint()}): raise REPORT_VERSION"
        " in eligibility/report/provenance.py and the schemas' report_version, and record the new"
        " fingerprint here (docs/report-format.md, 'report_version')"
    )


def test_the_schemas_state_the_report_version_the_program_writes() -> None:
    for name in SHAPED:
        schema = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text("utf-8"))
        text = json.dumps(schema)
        assert f'"report_version": {{"const": {REPORT_VERSION},' in text, name


def test_a_description_alone_is_no_new_shape() -> None:
    schema = {"type": "object", "description": "a", "properties": {"x": {"description": "b"}}}
    reworded = {"type": "object", "description": "c", "properties": {"x": {"description": "d"}}}
    assert _shape(schema) == _shape(reworded) != _shape({**schema, "required": ["x"]})
