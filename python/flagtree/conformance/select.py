"""Which cases a conformance run takes: feature groups, an id filter, a per-group sample.

The sample (`per_group`) is evenly spaced through each group's cases, so it is deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable

from flagtree.conformance.case import Case


def select(cases: Iterable[Case], *, groups: Iterable[str] = (), match: str = "",
           per_group: int | None = None) -> list[Case]:
    """Cases of `groups` (all if empty) whose id contains `match`; at most `per_group` of each
    group, evenly spaced through it (first and last included)."""
    wanted = set(groups)
    chosen = [c for c in cases if (not wanted or c.group in wanted) and match in c.id]
    if per_group is None:
        return chosen
    by_group: dict[str, list[Case]] = {}
    for case in chosen:
        by_group.setdefault(case.group, []).append(case)
    keep: set[str] = set()
    for members in by_group.values():
        keep.update(c.id for c in sample(members, per_group))
    return [c for c in chosen if c.id in keep]


def sample(members: list[Case], count: int) -> list[Case]:
    """`count` members evenly spaced through `members` (all of them if there are fewer)."""
    if count >= len(members):
        return list(members)
    if count <= 1:
        return members[:max(count, 0)]
    step = (len(members) - 1) / (count - 1)
    return [members[round(i * step)] for i in range(count)]


def describe(groups: Iterable[str], match: str, per_group: int | None) -> str:
    parts = []
    groups = list(groups)
    if groups:
        parts.append("groups " + ", ".join(groups))
    if match:
        parts.append(f"ids containing {match!r}")
    if per_group is not None:
        parts.append(f"at most {per_group} case(s) per group, evenly spaced")
    return "; ".join(parts) if parts else "all cases"
