"""eligibility: rules-as-data eligibility checks for US medical coding certifications.

The data flows one way, and the folders follow it:

    inputs/ (a profile or a cohort, validated) --> facts/ (derived from the fact files)
    --> engine/ (the rule book's plan for the date, run once: results) --> report/ (in words)

with the rule book loaded and checked in rulebook/; the API, batch and CLI on top.

Everything the command line does is available from Python; start with :func:`eligibility.api.check_profile`.
"""

__version__ = "0.1.0"
