"""What a conformance case is: kernel launches on torch inputs, a torch check, and its needs.

Case modules (flagtree.conformance.cases_*) register cases here; runners and tests read SUITE.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Launch:
    """One `kernel[grid](*args, **kwargs)` launch; kwargs hold constexprs and launch options."""

    kernel: Any
    grid: Any
    args: tuple
    kwargs: dict

    @property
    def kernel_name(self) -> str:
        return getattr(getattr(self.kernel, "fn", None), "__name__", repr(self.kernel))


# Triton's type string of each dtype name the cases use.
TRITON_TYPE = {"f32": "fp32", "f16": "fp16", "bf16": "bf16", "f64": "fp64", "i8": "i8",
               "i16": "i16", "i32": "i32", "i64": "i64", "bool": "i1"}


def launch(kernel: Any, grid: Any, *args: Any, **kwargs: Any) -> Launch:
    """Describe `kernel[grid](*args, **kwargs)` without running it."""
    return Launch(kernel, grid, args, kwargs)


class Plan:
    """A case's launches, in order, and the check run once all of them ran.

    `check()` raises AssertionError on a wrong result; for a case that captures output it is
    called with the text the launches printed.
    """

    launches: list[Launch]
    check: Callable[..., None]

    def __init__(self, *launches: Launch, check: Callable[..., None]) -> None:
        self.launches = list(launches)
        self.check = check


@dataclass(frozen=True)
class Needs:
    """What a case needs from a backend, in the terms of `flagtree.backend.Capabilities`, beyond
    the argument types Triton gives its launches (added by the runner).

    - dtypes: Triton type strings computed inside kernels ("fp32", "u8", ...);
    - atomics / atomic_dtypes: `tl.atomic_*` operations and their element types;
    - dot: (operand dtype, accumulator dtype, (M, N, K)) of each `tl.dot`;
    - features: language features beyond the basics ("reduce", "scan", "libdevice", ...).
    """

    dtypes: frozenset[str] = frozenset()
    atomics: frozenset[str] = frozenset()
    atomic_dtypes: frozenset[str] = frozenset()
    dot: frozenset[tuple[str, str, tuple[int, int, int]]] = frozenset()
    features: frozenset[str] = frozenset()

    def __or__(self, other: Needs) -> Needs:
        return Needs(self.dtypes | other.dtypes, self.atomics | other.atomics,
                     self.atomic_dtypes | other.atomic_dtypes, self.dot | other.dot,
                     self.features | other.features)


def needs(*, dtypes: Iterable[str] = (), atomics: Iterable[str] = (),
          atomic_dtypes: Iterable[str] = (),
          dot: Iterable[tuple[str, str, tuple[int, int, int]]] = (),
          features: Iterable[str] = ()) -> Needs:
    return Needs(frozenset(dtypes), frozenset(atomics), frozenset(atomic_dtypes),
                 frozenset(dot), frozenset(features))


@dataclass(frozen=True)
class Case:
    """One conformance case: `build()` makes fresh inputs (torch seeded by the runner) and
    returns the Plan. `suite` names the case module, `group` the feature group in reports,
    `op` the operation under test (named in failures)."""

    id: str
    suite: str
    group: str
    op: str
    build: Callable[[], Plan] = field(repr=False, compare=False)
    needs: Needs = Needs()
    isolated: bool = False  # run in a child process: a failure may kill the process
    captures_output: bool = False  # the check receives what the kernels printed


class Suite:
    """Every registered case, in registration order, unique by id."""

    def __init__(self) -> None:
        self._cases: dict[str, Case] = {}

    def add(self, case: Case) -> None:
        if case.id in self._cases:
            raise ValueError(f"duplicate conformance case id {case.id!r}")
        self._cases[case.id] = case

    def __iter__(self) -> Iterator[Case]:
        return iter(self._cases.values())

    def __len__(self) -> int:
        return len(self._cases)

    def __getitem__(self, case_id: str) -> Case:
        return self._cases[case_id]

    def groups(self) -> list[str]:
        return list(dict.fromkeys(c.group for c in self))

    def of_suite(self, suite: str) -> list[Case]:
        return [c for c in self if c.suite == suite]


SUITE = Suite()


def _fmt(value: Any) -> str:
    if isinstance(value, (tuple, list)):
        return "x".join(map(str, value))
    return str(value)


def cases(group: str | Callable[..., str], params: Iterable[Any] | None = None, *,
          ids: Callable[..., str] | None = None,
          op: str | Callable[..., str] | None = None,
          needs: Needs | Callable[..., Needs] = Needs(),
          isolated: bool = False, captures_output: bool = False):
    """Register the function below as one case, or one case per entry of `params` (a tuple
    entry is splatted). The case id is `name[id]`, `id` from `ids(*entry)` or the entry joined
    by '-'. `group`, `op` (default: the function's name) and `needs` may be computed from the
    entry."""

    def register(fn: Callable[..., Plan]) -> Callable[..., Plan]:
        name = fn.__name__
        suite = fn.__module__.rsplit(".", 1)[-1].removeprefix("cases_")
        entries = [()] if params is None else [p if isinstance(p, tuple) else (p,) for p in params]
        for entry in entries:
            if params is None:
                case_id = name
            else:
                label = ids(*entry) if ids else "-".join(_fmt(v) for v in entry)
                case_id = f"{name}[{label}]"
            SUITE.add(Case(
                id=case_id, suite=suite,
                group=group(*entry) if callable(group) else group,
                op=op(*entry) if callable(op) else (op or name),
                build=(lambda fn=fn, entry=entry: fn(*entry)),
                needs=needs(*entry) if callable(needs) else needs,
                isolated=isolated, captures_output=captures_output))
        return fn

    return register


def product(*axes: Iterable[Any]) -> list[tuple]:
    """Every combination of the axes, the first axis varying slowest."""
    return list(itertools.product(*axes))
