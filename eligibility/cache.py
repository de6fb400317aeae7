"""Where the cache lives (the rule cache of ``rules.py``), as the environment says.

``$ELIGIBILITY_CACHE_DIR``, else ``$XDG_CACHE_HOME/eligibility``, else ``~/.cache/eligibility``;
``ELIGIBILITY_NO_CACHE`` set to anything turns caching off.
"""

from __future__ import annotations

import os


def cache_root() -> str | None:
    """The cache directory; None when caching is off or there is no home directory to put it in."""
    if os.environ.get("ELIGIBILITY_NO_CACHE"):
        return None
    if os.environ.get("ELIGIBILITY_CACHE_DIR"):
        return os.environ["ELIGIBILITY_CACHE_DIR"]
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        home = os.path.expanduser("~")
        if home == "~":  # no home directory to be found
            return None
        base = os.path.join(home, ".cache")
    return os.path.join(base, "eligibility")
