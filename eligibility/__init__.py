"""eligibility: rules-as-data eligibility checks for US medical coding certifications.

The Python API (docs/api.md)::

    import eligibility

    report = eligibility.check("me.yaml", certs=["CPC"])  # or a dict of the profile's data
    print(report.to_text())  # what `eligibility check me.yaml --cert CPC` prints
    report.status("CPC-exam"), report.all_met, report.to_json()

    eligibility.batch("cohort.jsonl", "report.csv")  # `eligibility batch`
    eligibility.list().to_text()  # `eligibility list`
    print(eligibility.show("CPC"))  # `eligibility show CPC`

Bad input raises :class:`eligibility.InputError`, whose text is the message the command prints.

The data flows one way, and the folders follow it:

    inputs/ (a profile or a cohort, validated) --> facts/ (derived from the fact files)
    --> engine/ (the rule book's plan for the date, run once: results) --> report/ (in words)

with the rule book loaded and checked in rulebook/; the API, batch and CLI on top.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eligibility.version import __version__

__all__ = [
    "Answer",
    "InputError",
    "Listing",
    "Report",
    "__version__",
    "batch",
    "check",
    "list",
    "show",
]

if TYPE_CHECKING:
    from eligibility import batch
    from eligibility.api import Answer, Listing, Report, check, show
    from eligibility.api import list_credentials as list
    from eligibility.errors import InputError

# name at the root -> its name in eligibility.api
_FROM_API = {
    "Answer": "Answer",
    "Listing": "Listing",
    "Report": "Report",
    "check": "check",
    "list": "list_credentials",
    "show": "show",
}


def __getattr__(name: str) -> Any:
    """The API's names, imported when first used: ``import eligibility`` alone (every command
    does) loads nothing else, so it costs nothing."""
    if name in _FROM_API:
        from eligibility import api

        return getattr(api, _FROM_API[name])
    if name == "batch":
        # the module eligibility.batch, callable (check_cohort): once imported it is the
        # package's attribute "batch" whatever is done here, so the module answers the call
        import eligibility.batch as module

        return module
    if name == "InputError":
        from eligibility.errors import InputError

        return InputError
    raise AttributeError(f"module 'eligibility' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
