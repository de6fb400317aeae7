"""Answers for a profile that leaves out what it does not know (``inputs/formatversion.py``):
true/false fields in profile format 2, values the rules need (a job's start, a paid-through
date), and dates known only to the month or year.

The facts read what is left out one way (``{var: on_letterhead}`` is null, so false; a job
without a start is not counted; ``2024-03`` is its first day), so the answer as derived is the
answer under one reading. It is derived again under the other readings: every field left out read
the other way, and every imprecise date at the ends of its range (the longest reading: starts on
their first day, ends on their last; and the shortest). A check or condition whose answer is the
same under every reading does not depend on what was not known, and keeps its answer: what is
left out is harmless where it does not matter. One whose answer differs is **unknown**. Only then
is each unknown tried on its own, to name what a condition that differs depends on: a leaf lists
it as missing (a date with its range), with how to give it. Where none changes it alone, the
fewest that change it together are named, not every unknown the profile has.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from eligibility.dates import EARLIEST, LATEST, parse
from eligibility.engine.results import (
    AMBIGUOUS,
    MET,
    NOT_APPLICABLE,
    NOT_MET,
    STANDING_ORDER,
    UNKNOWN,
    Review,
    UnknownStanding,
    closest_pathway,
    default_standing,
    lacking_leaves,
    missing_choice,
    ranked,
)
from eligibility.errors import listing
from eligibility.inputs.formatversion import AMPLE, imprecise_dates, not_stated

if TYPE_CHECKING:
    from eligibility.engine.results import CheckResult, NodeResult

# said of a record left out under the profile as read and counted under another reading
MAY_COUNT = "it may count, depending on what the profile does not state exactly"
Explain = Callable[[Mapping[str, Any]], "tuple[CheckResult, ...]"]
Setting = tuple[tuple[str | int, ...], Any]  # a field's path in the profile and a value for it


@dataclass(frozen=True, eq=False)  # one object per unknown: its values may be lists (code sets)
class Unknown:
    """Something the profile does not pin down, and the values it may take besides the one the
    facts read."""

    named: str  # as a person finds it: "letter-1: current contact information given (not stated)"
    how: str  # how to give it
    settings: tuple[Setting, ...]  # each tried on its own to see whether a condition depends on it
    about: str = ""  # the field as a person finds it: "paid-through date of the AAPC membership"
    read_as: str = ""  # its value as the profile is read, in words: "2026-03-01", "no"
    written: str = ""  # a date as written ("2026-03"), for which each day of its range stands
    # a value left out, whose readings are values tried (the ends of the calendar, days years
    # back, every code set) to see whether its answer can differ, not values the person may have
    tried: bool = False
    # an amount left out (a course's hours): a condition that reads it asks for it as the rules'
    # own supply for its fact says (a document stating the hours), which covers it
    amount: bool = False


@dataclass(frozen=True)
class Readings:
    """A profile's unknowns and the readings that try them all at once."""

    unknowns: tuple[Unknown, ...]
    variants: tuple[tuple[str, tuple[Setting, ...]], ...]  # (one of READINGS, its settings)


@dataclass(frozen=True)
class _Lines:
    """A condition's detail lines under every reading. A line every reading gives alike is said
    once, a day of a date known only to the month or year read as the date as written ("revoked
    since 2026-02-01" says nothing that "revoked since 2026-02" does not). A line that holds
    under some readings only is said with what it rests on: for such a date, which end of its
    range ("if the paid-through date of the AAPC membership is toward the end of 2026-03 (as on
    2026-03-31): ..."); for a value left out, whose readings are only tried, "perhaps", naming
    it, or "as the profile gives it" for the profile's own line where another reading gives
    another in its place; for a true/false field not stated, its value (the profile's own line,
    "not stated", is said as it is). A line naming a day no one has (the calendar's first or
    last) is not said."""

    readings: Readings  # its variants in the order of ``others``

    @property
    def unknowns(self) -> tuple[Unknown, ...]:
        return self.readings.unknowns

    def merged(
        self,
        node: NodeResult,
        others: Sequence[NodeResult | None],
        alone: Sequence[tuple[Unknown, NodeResult | None]],
        named: Sequence[Unknown] | None = None,
    ) -> NodeResult:
        """``node`` with the detail lines of every reading (``others``, one per variant; None
        where the condition is not shown); the fields named are those that change its lines
        when tried on their own (``alone``), else those ``named`` as deciding it (``_Deciding``)."""
        if all(other is not None and other.details == node.details for other in others):
            return node
        mine = {self.plain(line) for line in node.details}
        deciding = tuple(
            dict.fromkeys(
                u
                for u, a in alone
                if (a is None and mine)
                or (a is not None and {self.plain(d) for d in a.details} != mine)
            )
        ) or tuple(named or self.unknowns)
        giving: dict[str, dict[str, set[int]]] = {}
        for k, reading in ((-1, node), *enumerate(others)):
            for line in reading.details if reading is not None else ():
                giving.setdefault(self.plain(line), {}).setdefault(line, set()).add(k)
        everyone = {-1, *range(len(others))}
        # another reading gives a line of its own (10 CEUs not submitted in time, not 4)
        contested = any(-1 not in set().union(*texts.values()) for texts in giving.values())
        remarks = self._remarks(giving, everyone, deciding, contested)
        details = []
        for plain, texts in giving.items():
            held = set().union(*texts.values())
            if held == everyone:  # as it is when every reading words it alike (a day it
                # names may be another date's), else with the dates as written
                said: str | None = next(iter(texts)) if len(texts) == 1 else plain
            else:
                said = self._said(
                    next(iter(texts)), len(texts) > 1, held, everyone - held, deciding, contested
                )
            if said is not None:
                details.append("; ".join((said, *remarks.get(plain, ()))))
        return replace(node, details=tuple(details))

    def _remarks(
        self,
        giving: dict[str, dict[str, set[int]]],
        everyone: set[int],
        deciding: Sequence[Unknown],
        contested: bool,
    ) -> dict[str, list[str]]:
        """The lines other readings give that are a line of the profile's own with a remark
        added ("...: inactive (an extension was bought: check its terms with AHIMA)"), taken
        out of ``giving`` and returned as the remark said with what it rests on, to be said
        after that line: a second copy of the whole line would read as a second consequence."""
        own = [plain for plain, texts in giving.items() if -1 in set().union(*texts.values())]
        remarks: dict[str, list[str]] = {}
        for plain in list(giving):
            held = set().union(*giving[plain].values())
            if -1 in held:
                continue
            for base in own:
                remark = _REMARK.fullmatch(plain[len(base) :]) if plain.startswith(base) else None
                if remark is not None:
                    worded = len(giving.pop(plain)) > 1
                    said = self._said(remark[1], worded, held, everyone - held, deciding, contested)
                    if said is not None:
                        remarks.setdefault(base, []).append(said)
                    break
        return remarks

    def _said(
        self,
        line: str,
        worded: bool,
        held: set[int],
        rest: set[int],
        deciding: Sequence[Unknown],
        contested: bool,
    ) -> str | None:
        """A line that the readings ``held`` give and the others (``rest``) do not, said with
        what it rests on; None when it names a day no one has. ``worded``: the readings word it
        with different days, so the days of the dates that do not decide it are written as
        given (a line they word alike is kept as it is: a day it names may be another date's).
        ``contested``: another reading gives a line in its place."""
        if -1 not in held and _SENTINELS.search(line):
            return None
        if worded:
            line = self.plain(line, [u for u in self.unknowns if u not in deciding])
        tried = [u for u in deciding if u.tried]
        if -1 in held and not any(u.written for u in deciding) and not (tried and contested):
            # the profile's own line: a true/false field not stated is not true, and a value
            # left out that only takes a line away leaves it as it is
            return line
        about = " and the ".join(u.about for u in tried)
        if tried and -1 in held:
            return f"as the profile gives it (the {about} not given): {line}"
        values = {self._values(k, deciding) for k in held}
        if tried or values & {self._values(k, deciding) for k in rest}:
            # what it rests on is not a value the person may have, or is not told apart
            about = about or " and the ".join(u.about for u in deciding)
            return f"perhaps (it depends on the {about}, which the profile does not give): {line}"
        conditions = (
            " and ".join(_condition(u, v) for u, v in zip(deciding, given, strict=True))
            for given in sorted(values)
        )
        return "if " + " or if ".join(conditions) + f": {line}"

    def plain(self, line: str, unknowns: Sequence[Unknown] | None = None) -> str:
        """``line`` with each day of a date known only to the month or year (of ``unknowns``;
        default: all) as the date is written."""
        for unknown in self.unknowns if unknowns is None else unknowns:
            if unknown.written:
                # the ends of its range (the evaluation date, tried too, stays a day of its own)
                days = {*(str(day) for _, day in unknown.settings[:2]), unknown.read_as}
                for day in days - {unknown.written}:
                    line = re.sub(rf"(?<![\d-]){day}(?![\d-])", unknown.written, line)
        return line

    def _values(self, k: int, deciding: Sequence[Unknown]) -> tuple[str, ...]:
        """The values reading ``k`` (-1: the profile as read) gives the ``deciding`` fields. A
        ``k`` past the variants is the profile as read too: a check that does not apply as the
        profile is read is merged from a reading under which it does, and its own comes last."""
        variants = self.readings.variants
        given = dict(variants[k][1]) if 0 <= k < len(variants) else {}
        return tuple(
            next((_words(given[path]) for path, _ in u.settings if path in given), u.read_as)
            for u in deciding
        )


# a remark a reading adds at the end of a line: " (an extension was bought: ...)"
_REMARK = re.compile(r" \((.+)\)")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")  # a fact's date: found days compare as text
# the days a value left out is tried at that no one has: a line naming one is not said
_SENTINELS = re.compile(rf"(?<![\d-])({EARLIEST.isoformat()}|{LATEST.isoformat()})(?![\d-])")


def _condition(unknown: Unknown, value: str) -> str:
    """A reading's value of ``unknown`` as the condition a line holds under."""
    if not unknown.written:
        return f"the {unknown.about} is {value}"
    first, last = (str(day) for _, day in unknown.settings[:2])
    end = "start" if value == first else "end" if value == last else None
    if end is None:
        return f"the {unknown.about} is {value}"
    return f"the {unknown.about} is toward the {end} of {unknown.written} (as on {value})"


def _words(value: Any) -> str:
    """A value a reading gives a field, as a person writes it."""
    if value is None:
        return "not given"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "none"
    return str(value)


# The readings tried, by name (export.py writes each into the facts document under its name):
# every value left out read its other way; for a value with more readings than two (a CEU record
# without its date: in the current period, in the last one, or in none; a role not stated: one
# of four), its further ways in the next ones, the others read as in the first
MORE_READINGS = 3
READINGS = (
    "not_stated",
    *(f"not_stated_{n}" for n in range(2, MORE_READINGS + 2)),
    "longest",
    "shortest",
    "on_the_date",
)


def readings(
    data: Mapping[str, Any],
    as_of: date | None = None,
    ask: str = "",
    words: Sequence[tuple[str, str]] = (),
    fields: bool = True,
) -> Readings | None:
    """What ``data`` leaves unknown on ``as_of`` (default: the profile's own date); None when
    nothing (the usual case, found without copying). ``ask`` and ``words``: for people who do
    not write the profile (a school's students), a date known only to the month or year is
    asked for in ``ask`` ({date} filled in) by its words ((profile date field, words):
    ``RuleBook.date_words``), not by the profile's field. ``fields``: how to give what is left
    out names the profile's field and values as the file writes them ("stated_start:
    YYYY-MM-DD", "true or false"); not for people who answer questions (the web page's form)."""
    omitted = not_stated(data, as_of)
    dates = imprecise_dates(data)
    if not omitted and not dates:
        return None
    unknowns: list[Unknown] = []
    variants: list[tuple[str, tuple[Setting, ...]]] = []
    said = dict(words) if ask else {}
    if omitted:
        for item in omitted:
            # a date the export's words name is asked for in them (a school's students do not
            # write the profile's fields)
            own = said.get(".".join(s for s in item.path if isinstance(s, str)))
            unknowns.append(
                Unknown(
                    f"{item.record}: {item.words} (not stated)",
                    ask.replace("{date}", own) if own else _how(item, fields),
                    ((item.path, item.other), *((item.path, value) for value in item.more)),
                    # a true/false field is named as the question it answers
                    f"answer to '{_capital(item.words)}' for {item.record}"
                    if item.flag
                    else f"{item.words} of {item.record}",
                    item.reads_as or _words(item.value),
                    tried=not item.flag,
                    amount=isinstance(item.other, dict),
                )
            )
        variants.append(("not_stated", tuple((item.path, item.other) for item in omitted)))
        for n in range(max(len(item.more) for item in omitted)):
            variants.append(
                (
                    f"not_stated_{n + 2}",
                    tuple(
                        (item.path, item.more[n] if n < len(item.more) else item.other)
                        for item in omitted
                    ),
                )
            )
    if dates:
        # a range that holds the evaluation date is tried on it too: a day before it and a day
        # after it may both fail where it passes (a letter dated in this month vouches for the
        # most on this day; a day later it is not yet written)
        day = (as_of or _own_day(data)).isoformat()
        for date in dates:
            within = ((date.path, day),) if date.first < day < date.last else ()
            days = f"(any day from {date.first} to {date.last})"
            # its field as the words name it: ("work_history", 0, "start_date") is
            # work_history.start_date
            own = said.get(".".join([s for s in date.path if isinstance(s, str)])) if said else None
            named, how, about = (
                (f"{own}, given as {date.text} {days}", ask.replace("{date}", own), own)
                if own
                else (
                    f"{date.record}: {date.words} {date.text} {days}",
                    f"give the exact {date.words} of {date.record}"
                    f" ({_written(date, fields)}YYYY-MM-DD),"
                    " if a document shows it",
                    f"{date.words} of {date.record}",
                )
            )
            unknowns.append(
                Unknown(
                    named,
                    how,
                    ((date.path, date.first), (date.path, date.last), *within),
                    about,
                    parse(date.text).isoformat(),
                    date.text,
                )
            )
        longest = tuple((d.path, d.last if d.end_like else d.first) for d in dates)
        shortest = tuple((d.path, d.first if d.end_like else d.last) for d in dates)
        variants += [("longest", longest), ("shortest", shortest)]
        if any(d.first < day < d.last for d in dates):
            on_the_date = tuple(
                (d.path, day if d.first < day < d.last else d.last if d.end_like else d.first)
                for d in dates
            )
            variants.append(("on_the_date", on_the_date))
    return Readings(tuple(unknowns), tuple(variants))


def _own_day(data: Mapping[str, Any]) -> date:
    """The profile's own evaluation date, else today (as ``check`` reads it without --as-of)."""
    own = data.get("as_of")
    return parse(own) if isinstance(own, str) else date.today()


def with_unstated(
    data: Mapping[str, Any],
    results: tuple[Any, ...],
    explain: Explain,
    as_of: date | None = None,
    places: Collection[int] | None = None,
    asked: tuple[str, Sequence[tuple[str, str]], bool] = ("", (), True),
) -> tuple[Any, ...]:
    """``results`` (answered on ``data`` as it is, on ``as_of``) with each answer that depends on
    what ``data`` leaves unknown made unknown. ``explain`` answers the same checks for other data.
    ``places``: the results to merge (default: all); ``explain`` need answer only those, and the
    others are returned as they are. ``asked``: how what is unknown is asked for, as
    :func:`readings` takes it (ask, words, fields)."""
    found = readings(data, as_of, *asked)
    if found is None:
        return results
    merging = range(len(results)) if places is None else sorted(places)
    others = [explain(with_settings(data, variant)) for _, variant in found.variants]
    # only the checks a reading changes: one answers alike whatever else is asked with it
    merging = [i for i in merging if any(_differs(results[i], other[i]) for other in others)]
    if not merging:
        return results
    # each unknown read on its own; a reading that changes that one alone was answered above
    answered = list(zip((variant for _, variant in found.variants), others, strict=True))
    deciding = _Deciding(data, found, answered, explain)
    alone = [
        (unknown, deciding.answers((setting,)))
        for unknown in found.unknowns
        for setting in unknown.settings
    ]
    alone += _deciding_at_longest(data, found, answered, results, explain, merging)
    lines = _Lines(found)
    merged = list(results)
    for i in merging:
        merged[i] = _merged_check(
            results[i],
            [other[i] for other in others],
            [(unknown, answers[i]) for unknown, answers in alone],
            found.unknowns,
            lines,
            deciding.named(i, results[i], [(unknown, answers[i]) for unknown, answers in alone]),
        )
    return tuple(merged)


def _statuses(result: CheckResult) -> dict[str, str]:
    """The status of each condition without children a check's trees show, by id."""
    return {
        leaf.node.id: leaf.status
        for root in (result.requires, result.recommends)
        if root is not None
        for leaf in root.leaves()
    }


@dataclass(frozen=True)
class _Deciding:
    """What decides each condition a reading changes, as the answer names it, where trying each
    unknown on its own does not say it well:

    - none changes it alone (two dates given to the year that only together leave too few
      months, a letter's start and another letter's): the fewest of the unknowns a reading that
      changes it sets, found by leaving out one at a time those whose absence still changes it.
      Otherwise every unknown the profile has would be named, most of them beside the point
      (the day an education was completed, under a letter's months);
    - one date given to the month or year changes it alone, met at one end of its range and
      not at the other: that date, with the day where it turns ("met if on or before
      2024-11-22"), found by halving the range (months grow with an earlier start: a condition
      turns once within it): what the person needs to look up."""

    data: Mapping[str, Any]
    found: Readings
    answered: list[tuple[tuple[Setting, ...], tuple[Any, ...]]]  # readings answered so far
    explain: Explain

    def named(
        self, i: int, result: CheckResult, alone: Sequence[tuple[Unknown, CheckResult]]
    ) -> dict[str, tuple[Unknown, ...]]:
        """For check ``i`` (``result`` as the profile is read; ``alone``: its answer with each
        unknown tried on its own), the conditions (by id) whose deciding unknowns are named so,
        with them."""
        mine = _statuses(result)
        singles = [(unknown, _statuses(answer)) for unknown, answer in alone]
        out: dict[str, tuple[Unknown, ...]] = {}
        for key, status in mine.items():
            changing = list(
                dict.fromkeys(u for u, single in singles if single.get(key, status) != status)
            )
            if len(changing) == 1:
                turning = self._turning(i, key, changing[0])
                if turning is not None:
                    out[key] = (turning,)
            elif not changing:
                fewest = self._fewest(i, key, status)
                if fewest:
                    out[key] = fewest

        return out

    def _fewest(self, i: int, key: str, status: str) -> tuple[Unknown, ...]:
        reading = next(
            (
                settings
                for settings, answers in self.answered
                if _statuses(answers[i]).get(key, status) != status
            ),
            None,
        )
        if reading is None or len(reading) < 2:
            return ()
        kept = list(reading)
        for setting in reading:
            if len(kept) == 1:
                break
            trial = [s for s in kept if s is not setting]
            if _statuses(self.answers(tuple(trial))[i]).get(key, status) != status:
                kept = trial
        paths = [path for path, _ in kept]
        return tuple(u for u in self.found.unknowns if any(p in paths for p, _ in u.settings))

    def _turning(self, i: int, key: str, unknown: Unknown) -> Unknown | None:
        """``unknown`` named with the day its condition turns, when it is a date given to the
        month or year (whose range does not hold the evaluation date: a letter dated this month
        vouches for the most today, and for nothing tomorrow) met at one end only."""
        if not unknown.written or len(unknown.settings) != 2:
            return None
        (path, first), (_, last) = unknown.settings

        def met(day: date) -> bool:
            answer = self.answers(((path, day.isoformat()),))[i]
            return _statuses(answer).get(key) == MET

        low, high = parse(first), parse(last)
        met_first = met(low)
        if met_first == met(high):
            return None
        while (high - low).days > 1:
            middle = low + timedelta(days=(high - low).days // 2)
            if met(middle) == met_first:
                low = middle
            else:
                high = middle
        turns = f"met if on or before {low}" if met_first else f"met if on or after {high}"
        return replace(unknown, named=f"{unknown.named.removesuffix(')')}: {turns})")

    def answers(self, settings: tuple[Setting, ...]) -> tuple[Any, ...]:
        """The checks' answers under ``settings``, each reading answered once."""
        known = next((o for v, o in self.answered if v == settings), None)
        if known is None:
            known = self.explain(with_settings(self.data, settings))
            self.answered.append((settings, known))
        return known


def _deciding_at_longest(
    data: Mapping[str, Any],
    found: Readings,
    answered: list[tuple[tuple[Setting, ...], tuple[Any, ...]]],
    results: tuple[Any, ...],
    explain: Explain,
    merging: Collection[int],
) -> list[tuple[Unknown, tuple[Any, ...]]]:
    """Dates given to the month or year that decide only together: read as written (a start on
    the 1st, an end on the 1st) a job may be short, and the end alone moved to the month's last
    day meets it; but then the start decides too (started on the 31st it is short again). Each
    such date is tried at its other end on the longest reading; where that changes a check, it
    decides it, as if tried alone (its answer is the longest reading's there)."""
    variants = dict(found.variants)
    longest = variants.get("longest")
    if not longest or len(longest) < 2:
        return []
    at_longest = next(o for v, o in answered if v == longest)
    if not any(_differs(at_longest[i], results[i]) for i in merging):
        return []  # the longest reading answers as the profile reads: no date decides there
    out = []
    for path, value in longest:
        unknown = next(u for u in found.unknowns if any(p == path for p, _ in u.settings))
        other = next((v for p, v in unknown.settings if v != value), None)
        if other is None:
            continue
        flipped = explain(with_settings(data, [(p, other if p == path else v) for p, v in longest]))
        answers = tuple(
            at_longest[i] if i in merging and _differs(flipped[i], at_longest[i]) else results[i]
            for i in range(len(results))
        )
        out.append((unknown, answers))
    return out


def unstated_assessment(
    data: Mapping[str, Any],
    answer: Any,
    assess: Callable[..., Any],
    as_of: date | None = None,
    asked: tuple[str, Sequence[tuple[str, str]], bool] = ("", (), True),
) -> Any:
    """A cohort's answer (``engine.plan.Assessment``) for ``data`` with the same rule as
    :func:`with_unstated`: a check or condition whose answer differs under another reading of
    what ``data`` leaves unknown is unknown. ``assess(data, explained)`` answers other data alike
    (with the result trees when ``explained``: every check's if True, else those at the places
    in the set). Only the checks whose answers a reading changes need their trees. ``asked``:
    as for :func:`with_unstated`."""
    found = readings(data, as_of, *asked)
    if found is None:
        return answer
    others = [assess(with_settings(data, variant), False) for _, variant in found.variants]
    standings = tuple(
        mine if all(other.standings[i] == mine for other in others) else None
        for i, mine in enumerate(answer.standings)
    )
    # a standing's own ways forward, as the profile states it (a window from a day it does not
    # give is not dated), while the standing is the same under every reading
    steps = answer.steps and tuple(
        mine if standings[i] is not None else () for i, mine in enumerate(answer.steps)
    )
    results = answer.results
    outcomes = list(answer.outcomes)
    differing = [
        i
        for i, mine in enumerate(answer.outcomes)
        if any(other.outcomes[i] != mine for other in others)
    ]
    # the trees asked for (a JSON Lines report's), and those of the checks the readings change
    explained = {i for i, result in enumerate(results) if result is not None}
    wanted = frozenset(explained.union(differing))
    if wanted:
        merged = with_unstated(
            data,
            results if wanted == explained else assess(data, wanted).results,
            lambda changed: assess(changed, wanted).results,
            as_of,
            wanted,
            asked,
        )
        results = tuple(merged[i] if i in explained else None for i in range(len(results)))
        for i in differing:
            outcomes[i] = _merged_outcome(
                answer.outcomes[i], [other.outcomes[i] for other in others], merged[i]
            )
    return replace(
        answer, outcomes=tuple(outcomes), standings=standings, results=results, steps=steps
    )


def with_settings(data: Mapping[str, Any], settings: Sequence[Setting]) -> dict[str, Any]:
    """A copy of ``data`` with each field of ``settings`` given its value."""
    copy = _copy(data)
    for path, value in settings:
        record: Any = copy
        for step in path[:-1]:
            record = record[step]
        record[path[-1]] = value
    return copy


def _copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def _differs(first: CheckResult, second: CheckResult) -> bool:
    if first.status != second.status or first.standing != second.standing:
        return True
    if _day(first.eligible_by) != _day(second.eligible_by):
        return True
    if [o.status for o in first.others] != [o.status for o in second.others]:
        return True
    return _tree_differs(first.requires, second.requires) or _tree_differs(
        first.recommends, second.recommends
    )


def _tree_differs(first: NodeResult | None, second: NodeResult | None) -> bool:
    if first is None or second is None:
        return first is not second
    if first.status != second.status or first.reached_on != second.reached_on:
        return True
    if not first.children and first.found != second.found:
        # what it shows found, and what it lacks; met, the least it surely found
        return first.status != MET or _number(first.found) or _number(second.found)
    if first.fix_closed != second.fix_closed:
        return True  # its step: a window one reading has closed may still be open
    if first.details != second.details:
        return True  # a lapse's dates, say: said for each reading
    return any(_tree_differs(child, _child(second, child)) for child in first.children)


def _merged_check(
    result: CheckResult,
    others: list[CheckResult],
    alone: list[tuple[Unknown, CheckResult]],
    unknowns: Sequence[Unknown],
    lines: _Lines,
    named: Mapping[str, tuple[Unknown, ...]],
) -> CheckResult:
    applies = _applies_unknown(result, others, alone, unknowns)
    if result.status == NOT_APPLICABLE:
        # show a reading under which the check applies, one that changes only what decides
        # that where there is one: the others read every unknown at an extreme (a job's start
        # left out read as long ago) that the profile's own reading does not
        applying = next((a for _, a in alone if a.status != NOT_APPLICABLE), None) or next(
            (other for other in others if other.status != NOT_APPLICABLE), None
        )
        if applying is not None:
            if any(other is applying for other in others):
                others = [result if other is applying else other for other in others]
            else:
                others = [*others, result]  # the reading where it does not apply, still merged
            result = applying
    requires = _merged_node(
        result.requires,
        [other.requires for other in others],
        [(u, a.requires) for u, a in alone],
        unknowns,
        lines,
        named,
        shown_elsewhere=True,
    )
    recommends = _merged_node(
        result.recommends,
        [other.recommends for other in others],
        [(u, a.recommends) for u, a in alone],
        unknowns,
        lines,
        named,
    )
    status = result.status
    if any(other.status != status for other in others):
        status = UNKNOWN
    versions = tuple(  # other versions in force, answered alike
        replace(reading, status=UNKNOWN)
        if any(
            len(other.others) > j and other.others[j].status != reading.status for other in others
        )
        else reading
        for j, reading in enumerate(result.others)
    )
    review = _merged_reviews(result, others)
    standing = result.standing
    if any(other.standing != standing for other in others):
        standing = None  # the standing depends on what is not known
    # not met as the profile is read, unknown under the readings: were it not met, its standing
    # is the one read, while every reading not met agrees
    if_not_met = result.standing_if_not_met
    if (
        status == UNKNOWN
        and result.status == NOT_MET
        and all(o.status == MET or _if_not_met(o) == result.standing for o in others)
    ):
        if_not_met = result.standing
    # its own ways forward, as the profile states it, while every reading has that standing
    # (or, unknown, would have were it not met)
    steps = result.standing_steps
    if (
        (standing is None and result.standing is not None and if_not_met != result.standing)
        or any(
            other.status != MET and _if_not_met(other) != _if_not_met(result) for other in others
        )
        or any(
            default_standing(other.reading_standings) != default_standing(result.reading_standings)
            for other in others
        )
    ):
        steps = ()
    # one a condition not known gives (engine/plan.py), while the answer stays not met
    unknown_standing = result.unknown_standing if status == NOT_MET else None
    if status == NOT_MET and standing is None and result.standing is not None:
        unknown_standing = UnknownStanding(
            tuple(
                sorted(
                    {o.standing for o in (result, *others) if o.standing},
                    key=lambda name: (*STANDING_ORDER, name).index(name),
                )
            ),
            tuple(
                dict.fromkeys((u.named, u.how) for u, a in alone if a.standing != result.standing)
            ),
        )
    eligible = (
        _latest(result.eligible_by, [other.eligible_by for other in others])
        if status == NOT_MET
        else _eligible_whatever(result, others)
        if status == UNKNOWN
        else None
    )
    if (
        (requires, recommends, status, standing, versions, eligible, steps, review)
        == (
            result.requires,
            result.recommends,
            result.status,
            result.standing,
            result.others,
            result.eligible_by,
            result.standing_steps,
            result.review,
        )
        and unknown_standing is result.unknown_standing
        and (result.unknown_standing is None or status == NOT_MET)
        and not applies
        and if_not_met == result.standing_if_not_met
    ):
        return result
    return replace(
        result,
        applies_unknown=applies,
        standing_if_not_met=if_not_met,
        requires=requires,
        recommends=recommends,
        status=status,
        standing=standing,
        others=versions,
        eligible_by=eligible,
        standing_steps=steps,
        unknown_standing=unknown_standing,
        review=review,
    )


def _merged_reviews(result: CheckResult, others: Sequence[CheckResult]) -> tuple[Review, ...]:
    """The answers a review says the other values of its question give ("Otherwise ..."), not
    known where the readings of what the profile leaves unknown answer them differently: a
    reading whose answer that value does not change (no review of it) answers as it does."""

    def under(other: CheckResult, policy: str, value: str) -> str:
        for review in other.review:
            if review.policy == policy:
                found = (r.status for r in review.readings if r.value == value)
                return next(found, other.status)
        return other.status

    return tuple(
        replace(
            review,
            readings=tuple(
                replace(reading, status=UNKNOWN)
                if any(under(o, reading.policy, reading.value) != reading.status for o in others)
                else reading
                for reading in review.readings
            ),
        )
        for review in result.review
    )


def _eligible_whatever(result: CheckResult, others: Sequence[CheckResult]) -> Any:
    """An unknown answer's eligible-by (``EligibleBy``) that holds whatever is not known: every
    reading met, or met by a day time alone brings (a letter re-issued now for months already
    worked); the latest such day. None when a reading is neither."""
    readings = (result, *others)
    waiting = [r.eligible_by for r in readings if r.status != MET]
    if not waiting or any(r.status not in (MET, NOT_MET) for r in readings) or None in waiting:
        return None
    return max(waiting, key=lambda eligible: eligible.day)


def _if_not_met(result: CheckResult) -> str | None:
    """The standing a reading gives were its answer not met: its own when not met."""
    return result.standing if result.status == NOT_MET else result.standing_if_not_met


def _applies_unknown(
    result: CheckResult,
    others: list[CheckResult],
    alone: list[tuple[Unknown, CheckResult]],
    unknowns: Sequence[Unknown],
) -> tuple[tuple[str, str], ...]:
    """(what, how to give it) for what the profile leaves unknown that decides whether the check
    applies at all, when it applies under some readings only (empty otherwise)."""
    outside = result.status == NOT_APPLICABLE
    if all((other.status == NOT_APPLICABLE) == outside for other in others):
        return ()
    deciding = [u for u, a in alone if (a.status == NOT_APPLICABLE) != outside] or unknowns
    return tuple(dict.fromkeys((u.named, u.how) for u in deciding))


def _shown_statuses(result: CheckResult) -> dict[str, tuple[str, ...]]:
    """The check's conditions not met, unknown and ambiguous as its (merged) tree shows them,
    in the rule's order, as a cohort's outcome lists them."""
    found = (
        {leaf.node.id: leaf.status for leaf in result.requires.leaves() if leaf.node.kind == "leaf"}
        if result.requires is not None
        else {}
    )
    order = [n.id for n in result.requires.node.walk() if n.id in found] if found else []
    return {
        key: tuple(i for i in order if found[i] == status)
        for key, status in (("failed", NOT_MET), ("unknown", UNKNOWN), ("ambiguous", AMBIGUOUS))
    }


def _supply(root: NodeResult | None) -> tuple[tuple[str, str], ...]:
    """(leaf id, how to give it) for each unknown leaf under ``root`` that names how to give
    what it lacks: the way for the first thing it lacks, as an explanation's step says it."""
    found: dict[str, str] = {}
    for leaf in root.leaves() if root is not None else ():
        how = leaf.how_to_give if leaf.status == UNKNOWN else None
        if how:
            found.setdefault(leaf.node.id, how)
    return tuple(found.items())


def _day(eligible: Any) -> Any:
    return eligible.day if eligible is not None else None


def _latest(mine: Any, others: Sequence[Any]) -> Any:
    """The eligible-by answer (``EligibleBy``) that holds under every reading: the one with the
    latest day (a start known only to the month: met by then whichever day it was); none when
    a reading gives none."""
    if mine is None or any(other is None for other in others):
        return None
    return max((mine, *others), key=lambda eligible: eligible.day)  # the first of the latest


def _latest_day(mine: Any, others: Sequence[Any]) -> Any:
    """A condition's reached-on day under every reading: the latest of those the readings give
    (a reading under which it is not reached within the search gives none; the date still says
    when it is reached under the others)."""
    if mine is None:
        return None
    return max((mine, *(other for other in others if other is not None)))


def _merged_node(
    node: NodeResult | None,
    others: list[NodeResult | None],
    alone: list[tuple[Unknown, NodeResult | None]],
    unknowns: Sequence[Unknown],
    lines: _Lines,
    named: Mapping[str, tuple[Unknown, ...]],
    shown_elsewhere: bool = False,
) -> NodeResult | None:
    """``node`` under every reading: a condition whose answer differs is unknown, with what
    decides it. With ``shown_elsewhere`` (what a check requires; its recommendations' warnings
    are not steps), a condition only another reading shows is shown too, unknown."""
    if node is None:
        return node
    children = tuple(
        _merged_node(
            child,
            [_child(other, child) if other is not None else None for other in others],
            [(u, _child(a, child) if a is not None else None) for u, a in alone],
            unknowns,
            lines,
            named,
            shown_elsewhere,
        )
        for child in node.children
    )
    if all(other is None or other.status == node.status for other in others):
        if node.node.fix_when is not None and node.status != MET:
            node = _fix_window(node, [o for o in others if o is not None])
        readings = [r for r in (node, *others) if r is not None]
        reached = _latest_day(node.reached_on, [o.reached_on for o in readings[1:]])
        # numbers that differ where it is not met: the range, and the most it lacks (met
        # either way: what it surely has)
        found = _found_range(readings) if not node.children and node.status != MET else None
        node = _surely_found(node, readings)
        if reached != node.reached_on or found:
            shortfalls = [r.shortfall for r in readings if r.shortfall is not None]
            node = replace(
                node,
                reached_on=reached,
                found_range=found,
                shortfall=max(shortfalls) if shortfalls else node.shortfall,
            )
        node = lines.merged(_left_out_maybe(node, readings), others, alone, named.get(node.node.id))
        if children != node.children:  # closest first again, as far as each lacks
            return ranked(node, node.status, children)
        return node
    if node.node.kind != "leaf":
        if shown_elsewhere:
            children = _with_shown_elsewhere(node, children, others, alone, unknowns)
        return ranked(replace(node, shortfall=None, reached_on=None), UNKNOWN, children)
    deciding = list(dict.fromkeys(u for u, a in alone if a is not None and a.status != node.status))
    deciding = list(named.get(node.node.id, ())) or deciding or list(unknowns)
    # a fact the profile as read leaves unknown that another reading makes known is unknown for
    # want of what is left out: naming the fact too would ask for the same thing twice
    answered = any(o is not None and o.status in (MET, NOT_MET) for o in others)
    readings = [r for r in (node, *others) if r is not None]
    if node.node.fix_when is not None:  # the fix the profile as read gives may not be the one
        node = _fix_window(node, readings[1:])
    return replace(
        _wanting(
            lines.merged(_left_out_maybe(node, readings), others, alone, named.get(node.node.id)),
            deciding,
            () if answered else node.missing,
        ),
        found_range=_found_range(readings),
    )


def _wanting(
    leaf: NodeResult, deciding: Sequence[Unknown], missing: tuple[str, ...] = ()
) -> NodeResult:
    """``leaf`` unknown for want of what ``deciding`` names (after what it already ``missing``),
    with how to give each."""
    reads = leaf.node.logic.reads if leaf.node.logic is not None else ()
    own = next((how for name, how in leaf.node.supply if name in reads), None)
    return replace(
        _unknown_leaf(leaf),
        node=replace(
            leaf.node,
            supply=(
                *leaf.node.supply,
                *((u.named, own if u.amount and own else u.how) for u in deciding),
            ),
        ),
        # each once: a school's export names the two dates one cell fills alike (a job's start
        # and its letter's), and they are given together
        missing=tuple(dict.fromkeys((*missing, *(u.named for u in deciding)))),
    )


def _with_shown_elsewhere(
    node: NodeResult,
    children: tuple[NodeResult, ...],
    others: list[NodeResult | None],
    alone: list[tuple[Unknown, NodeResult | None]],
    unknowns: Sequence[Unknown],
) -> tuple[NodeResult, ...]:
    """``children`` and, unknown, the conditions another reading shows and the profile as read
    does not (``shown_if`` / ``hidden_if``): AHIMA's "no cycle has ended yet", shown when a cycle
    whose end is known only to the month may not have ended. Whether it holds is what the
    profile leaves unknown; without it no condition would say what to give."""
    present = {child.node.id for child in children}
    extra: dict[str, NodeResult] = {}
    for other in others:
        for child in other.children if other is not None else ():
            if child.node.id not in present:
                extra.setdefault(child.node.id, child)
    if not extra:
        return children
    order = [child.id for child in node.node.children]
    shown = [
        _unknown_subtree(
            child,
            list(
                dict.fromkeys(u for u, a in alone if a is not None and _child(a, child) is not None)
            )
            or list(unknowns),
        )
        for child in extra.values()
    ]
    return tuple(sorted((*children, *shown), key=lambda child: order.index(child.node.id)))


def _unknown_subtree(node: NodeResult, deciding: list[Unknown]) -> NodeResult:
    """``node`` and every condition under it unknown for want of what ``deciding`` names."""
    if node.node.kind != "leaf":
        return ranked(
            replace(node, shortfall=None, reached_on=None),
            UNKNOWN,
            tuple(_unknown_subtree(child, deciding) for child in node.children),
        )
    # what it found is another reading's, not the profile's
    return replace(_wanting(node, deciding), found=None, found_range=None)


def _left_out_maybe(node: NodeResult, readings: Sequence[NodeResult]) -> NodeResult:
    """``node`` with each record it says was not counted that another reading counts marked as
    one that may count: a course dated "2023" is "completed before certification on
    2023-08-14" only if it was not completed after that day."""
    if not node.not_counted:
        return node
    everywhere = set.intersection(
        *({(left.fact, left.record) for left in r.not_counted} for r in readings)
    )
    if all((left.fact, left.record) in everywhere for left in node.not_counted):
        return node
    return replace(
        node,
        not_counted=tuple(
            left
            if (left.fact, left.record) in everywhere
            else replace(left, reasons=(*left.reasons, MAY_COUNT))
            for left in node.not_counted
        ),
    )


def _fix_window(node: NodeResult, others: Sequence[NodeResult]) -> NodeResult:
    """A leaf whose fix window (``fix_when``) is open under some readings and closed under
    others: the day it names may be past, so its ``fix_unsure`` is said. Open under every
    reading, the profile as read names the earliest day (a date known to the month is read as
    its first day)."""
    if all(other.fix_closed == node.fix_closed for other in others):
        return node
    return replace(node, fix_closed=False, fix_unsure=True)


def _surely_found(node: NodeResult, readings: Sequence[NodeResult]) -> NodeResult:
    """A leaf met under every reading whose number differs among them, showing the end of
    its range nearest what is needed (the least months where at least 12 are): what the person
    surely has, said as such ("at least"): one reading's value, said as found, could be less
    than another condition shows of the same months (24 months worked beside 37 documented).
    Not its range: a value left out is tried at the ends of the calendar."""
    ends = _found_range(readings) if node.status == MET and not node.children else None
    operator = node.node.sides[0] if ends and node.node.sides else None
    surely = ends is not None and not isinstance(ends[0], str)  # a day is said as it is
    if operator in (">=", ">"):
        return replace(node, found=ends[0], found_surely=surely)  # type: ignore[index]
    if operator in ("<=", "<"):
        return replace(node, found=ends[1], found_surely=surely)  # type: ignore[index]
    return node


def _number(value: Any) -> bool:
    """A found value that has a range: a number, or a day."""
    if isinstance(value, str):
        return bool(_DAY.fullmatch(value))
    return isinstance(value, int | float) and not isinstance(value, bool)


def _found_range(results: Sequence[NodeResult | None]) -> tuple[Any, Any] | None:
    """The least and most a leaf found across the readings, when numbers or days that differ:
    what a person may have (23 months 24 days to 24 months 22 days), or the days a date may be
    (a membership paid through "2026" is cancelled between 2026-02-10 and 2027-02-09), rather
    than one end of it."""
    found = [r.found for r in results if r is not None and _number(r.found)]
    numbers = [v for v in found if not isinstance(v, str)] or [v for v in found if v]
    if not numbers or min(numbers) == max(numbers):
        return None
    most = max(numbers)
    # an amount left out is read as ample: what a person may have has no upper bound
    return (min(numbers), None if isinstance(most, int | float) and most >= AMPLE else most)


def _merged_outcome(mine: Any, others: list[Any], result: CheckResult) -> Any:
    """One check's outcome (``mine``, as the profile is read) when another reading's differs
    (``others``): as its answer under every reading (``result``, :func:`with_unstated`) shows
    it, so that a cohort's row and ``check`` agree."""
    status, root = result.status, result.requires
    base = mine
    if mine.status == NOT_APPLICABLE:  # the reading under which it applies, as result is
        base = next((other for other in others if other.status != NOT_APPLICABLE), mine)
    shown = _shown_statuses(result)
    closest = closest_pathway(root) if status == NOT_MET and root is not None else None
    outcome = replace(
        base,
        status=status,
        **shown,
        # its dates the latest the readings give, whichever pathway each found closest
        lacking=tuple(lacking_leaves(closest, settle=True)) if closest is not None else (),
        choice=missing_choice(closest) if closest is not None else None,
        # an open question to settle, when every reading's answer depends on one
        questions=base.questions if status == AMBIGUOUS else (),
        eligible=result.eligible_by if status in (NOT_MET, UNKNOWN) else None,
    )
    if status != UNKNOWN:
        return outcome
    if not set(shown["unknown"]) <= set(mine.unknown):
        # unknown only under the readings: what to give is what the profile leaves unknown
        outcome = replace(
            outcome,
            supply=_supply(root),
            gaps=tuple(lacking_leaves(root, settle=True)) if root is not None else (),
        )
    if len({o.status == NOT_APPLICABLE for o in (mine, *others)}) > 1:
        # whether it applies at all depends on what the profile leaves unknown
        outcome = replace(outcome, applies=result.applies_unknown)
    return outcome


def _unknown_leaf(node: NodeResult) -> NodeResult:
    """A leaf whose answer differs between readings, as the merged tree shows it."""
    return replace(
        node,
        status=UNKNOWN,
        found=None if isinstance(node.found, bool) else node.found,  # "yes" would be a claim
        shortfall=None,
        reached_on=None,
    )


def _child(parent: NodeResult, child: NodeResult) -> NodeResult | None:
    """``parent``'s result for the condition ``child`` is the result of (children are listed
    closest first, so their order differs between readings)."""
    return next((c for c in parent.children if c.node.id == child.node.id), None)


def _how(item: Any, fields: bool = True) -> str:
    """How to give a field left out: in words, then the field as the profile writes it (with
    ``fields``), else the values as a form's question offers them."""
    what, written = f"the {item.words} of {item.record}", _written(item, fields)
    if item.reads_as == "undated":
        return (
            f"give {what} ({written}YYYY-MM-DD, or {'null' if fields else 'none'} if it is undated)"
        )
    if item.flag:
        said = "true or false" if fields else "yes or no"
        return f"answer '{_capital(item.words)}' for {item.record} ({written}{said})"
    if item.choices:
        choices = item.choices if fields else [str(c).replace("_", " ") for c in item.choices]
        return f"answer '{_capital(item.words)}' for {item.record} ({written}{listing(choices)})"
    if isinstance(item.other, list):
        return f"give {what} ({written}the ones used)"
    if isinstance(item.other, dict):  # an amount: as a document states it, not a guess
        return f"give {what} as its documents state them"
    return f"give {what} ({written}YYYY-MM-DD, or YYYY-MM if only the month is known)"


def _written(item: Any, fields: bool = True) -> str:
    """The name a field is written under in the file, where its words do not give it (and
    ``fields``: the person writes the file)."""
    return "" if not fields or item.words == item.field else f"{item.field}: "


def _capital(words: str) -> str:
    return words[:1].upper() + words[1:]
