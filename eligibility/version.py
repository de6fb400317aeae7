"""The version of the program, which every report states (one place: the package and pyproject read it)."""

__version__ = "0.1.0"
