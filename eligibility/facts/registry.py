"""The credential registry (``rules/credentials.yaml``): every credential id rules and profiles
may name, its body, whether it is a coding credential, its aliases and apprentice name."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Retirement:
    """A credential no longer issued: no exam or award after ``after`` (holders keep it by its
    keeping rules)."""

    after: date
    note: str | None = None  # what the body says, in words


@dataclass(frozen=True)
class CredentialInfo:
    """What the registry says about one credential id."""

    id: str
    body: str
    name: str
    coding: bool
    apprentice_form: str | None = None
    retired: Retirement | None = None


@dataclass(frozen=True)
class Registry:
    """Known credentials by id and by alias; ``apprentice_suffix`` names an apprentice form the
    registry does not list (``X`` held as an apprentice is ``X`` + the suffix)."""

    by_name: Mapping[str, CredentialInfo]
    apprentice_suffix: str = "-A"

    def normalise(self, credential_id: str) -> tuple[str, bool]:
        """The canonical id, and whether the name itself was an apprentice form (``CPC-A``)."""
        key = credential_id.strip().upper()
        info = self.by_name.get(key)
        if info is not None:
            return info.id, key == (info.apprentice_form or "").upper()
        return key, False

    def known(self) -> list[CredentialInfo]:
        """Every credential once, in registry order."""
        return list({info.id: info for info in self.by_name.values()}.values())

    def info(self, credential_id: str) -> CredentialInfo | None:
        return self.by_name.get(credential_id.upper())

    def body_of(self, credential_id: str) -> str:
        """The body that issues ``credential_id`` (any name of it); ``other`` when unknown."""
        info = self.info(self.normalise(credential_id)[0])
        return info.body if info else "other"

    def lookalike(self, credential_id: str) -> str | None:
        """The known credential ``credential_id`` was probably meant to be, when it is not one
        itself: the same but for hyphens and spaces (``CPCA`` for ``CPC-A``, ``CCS P`` for
        ``CCS-P``), its name written out (``Certified Professional Coder``), or one letter off,
        added, left out or two swapped (``CSS`` for ``CCS``)."""
        given = self.normalise(credential_id)[0]
        if self.info(given) is not None:
            return None
        squashed = _squashed(given)
        forms = [(form, info) for info in self.known() for form in (info.id, info.apprentice_form)]
        same = [form for form, _ in forms if form and _squashed(form) == squashed]
        named = [info.id for info in self.known() if _squashed(info.name) == squashed]
        near = (
            same or named or [info.id for info in self.known() if _one_typo(given, info.id.upper())]
        )
        return near[0] if len(near) == 1 else None

    def apprentice_name(self, credential_id: str) -> str:
        """The name an apprentice holder of ``credential_id`` holds it under (CPC-A)."""
        info = self.info(credential_id)
        return (
            info.apprentice_form if info else None
        ) or f"{credential_id}{self.apprentice_suffix}"


def _squashed(text: str) -> str:
    """``text`` as compared for a lookalike: letters and digits only, in capitals."""
    return "".join(c for c in text.upper() if c.isalnum())


def _one_typo(given: str, known: str) -> bool:
    """Whether ``given`` is ``known`` with one letter changed, added or left out, or two
    neighbours swapped."""
    if given == known or abs(len(given) - len(known)) > 1:
        return False
    if len(given) == len(known):
        differ = [i for i, (a, b) in enumerate(zip(given, known, strict=True)) if a != b]
        if len(differ) == 1:
            return True
        if len(differ) != 2:
            return False
        first, second = differ
        return second == first + 1 and (given[first], given[second]) == (
            known[second],
            known[first],
        )
    short, long = sorted((given, known), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
