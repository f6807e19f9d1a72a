"""Runs conformance cases against one backend: launched and checked against torch when the
backend runs here, compiled twice and checked as binaries when it only compiles.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from flagtree.conformance.case import Case
from flagtree.conformance.subject import Subject, argument_types

PASS, FAIL, UNSUPPORTED = "pass", "fail", "unsupported"
_CHILD_MARK = "flagtree-conformance-result: "
_CHILD_TIMEOUT_S = 600


@dataclass
class Result:
    """One case's outcome. `reason`: why it is unsupported (the missing capabilities);
    `message`: why it failed; `binaries`: what compile-only runs produced."""

    case: str
    group: str
    op: str
    kernels: list[str]
    status: str
    seconds: float = 0.0
    reason: str = ""
    message: str = ""
    binaries: list[dict] = field(default_factory=list)

    def describe(self) -> str:
        """One line naming the case, the op and the kernel(s), then what went wrong."""
        where = f"{self.case} (op {self.op}, kernel {', '.join(self.kernels) or '?'})"
        if self.status == UNSUPPORTED:
            return f"{where}: unsupported (declared): {self.reason}"
        if self.status == FAIL:
            return f"{where}: {self.message}"
        return f"{where}: pass"


class _Failed(Exception):
    """A case failed at a named step; the message says what happened."""


def _excerpt(text: str, head: int = 3, tail: int = 9) -> str:
    """`text` without blank lines, its middle elided when long: compiler errors put where they
    are first and what went wrong last."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    if len(lines) > head + tail + 1:
        lines = lines[:head] + [f"... ({len(lines) - head - tail} lines)"] + lines[-tail:]
    return "\n".join(lines)


def _error_text(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _wrong_result(exc: AssertionError) -> str:
    text = str(exc).strip()
    if not text:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        text = f"assertion failed: {frame.line} ({os.path.basename(frame.filename)}:{frame.lineno})"
    return "wrong result: " + _excerpt(text)


def run_case(case: Case, subject: Subject, *, isolate: bool | None = None) -> Result:
    """Run (or compile) one case on `subject`. Never raises for a failing case: the Result
    says what failed. `isolate` (default: the case's own flag) runs it in a child process."""
    if isolate is None:
        isolate = case.isolated and subject.mode == "run"
    if isolate:
        return _run_in_child(case, subject)
    import torch

    start = time.perf_counter()
    result = Result(case.id, case.group, case.op, [], FAIL)
    try:
        torch.manual_seed(0)
        try:
            plan = case.build()
        except Exception as exc:
            raise _Failed(f"the case could not build its inputs: {_error_text(exc)}") from exc
        result.kernels = list(dict.fromkeys(launch.kernel_name for launch in plan.launches))
        specs = _specialize(plan, subject)
        reasons = subject.missing(case.needs, set().union(*(argument_types(s.signature)
                                                            for s in specs)),
                                  _block_elements(plan, subject))
        if reasons:
            result.status, result.reason = UNSUPPORTED, "; ".join(reasons)
        elif subject.mode == "run":
            _launch_and_check(case, plan, subject)
            result.status = PASS
        else:
            result.binaries = _compile_all(specs, subject)
            result.status = PASS
    except _Failed as exc:
        result.message = str(exc)
    result.seconds = round(time.perf_counter() - start, 4)
    return result


def _specialize(plan, subject: Subject) -> list:
    from flagtree.conformance.offline import specialize

    try:
        return [specialize(launch, subject.gpu_target) for launch in plan.launches]
    except Exception as exc:
        raise _Failed(f"Triton could not specialize the launch for {subject.target}: "
                      f"{_excerpt(_error_text(exc))}") from exc


def _block_elements(plan, subject: Subject) -> int:
    """The largest block any launch holds, measured only for backends that declare a limit."""
    if not subject.measures_blocks():
        return 0
    from flagtree.conformance.offline import block_elements

    try:
        return max(block_elements(launch) for launch in plan.launches)
    except Exception as exc:  # noqa: BLE001
        raise _Failed(f"Triton's frontend rejected the kernel: {_excerpt(_error_text(exc))}")


def _launch_and_check(case: Case, plan, subject: Subject) -> None:
    from flagtree.conformance.capture import captured_fds

    try:
        with subject.activated():
            if case.captures_output:
                with captured_fds() as printed:
                    _launch_all(plan)
            else:
                _launch_all(plan)
    except Exception as exc:
        raise _Failed(f"{subject.label} could not compile or run it: "
                      f"{_excerpt(_error_text(exc))}") from exc
    try:
        if case.captures_output:
            plan.check(printed[0])
        else:
            plan.check()
    except AssertionError as exc:
        raise _Failed(_wrong_result(exc)) from exc
    except Exception as exc:
        raise _Failed(f"checking the result raised {_excerpt(_error_text(exc))}") from exc


def _launch_all(plan) -> None:
    for launch in plan.launches:
        launch.kernel[launch.grid](*launch.args, **launch.kwargs)


def _compile_all(specs: list, subject: Subject) -> list[dict]:
    from flagtree.conformance.offline import BinaryError, compile_spec

    out, seen = [], set()
    for spec in specs:
        key = spec.key()
        if key in seen:
            continue
        seen.add(key)
        try:
            out.append(asdict(compile_spec(spec, subject.gpu_target)))
        except BinaryError as exc:
            raise _Failed(f"invalid binary for {subject.target}: {exc}") from exc
        except Exception as exc:
            raise _Failed(f"{subject.label} could not compile it for {subject.target}: "
                          f"{_excerpt(_error_text(exc))}") from exc
    return out


# -- isolation ---------------------------------------------------------------------------------


def _run_in_child(case: Case, subject: Subject) -> Result:
    """Run `case` in a fresh interpreter, so that a crash (a trap, a signal) fails only it."""
    start = time.perf_counter()
    cmd = [sys.executable, "-m", "flagtree.conformance.child", subject.name, case.id,
           "--target", str(subject.target)]
    if subject.mode == "compile":
        cmd.append("--compile-only")
    failed = Result(case.id, case.group, case.op, [], FAIL)
    try:
        child = subprocess.run(cmd, capture_output=True, text=True, timeout=_CHILD_TIMEOUT_S,
                               check=False)
    except subprocess.TimeoutExpired:
        failed.message = f"no result after {_CHILD_TIMEOUT_S} s (isolated run)"
        return failed
    for line in reversed(child.stdout.splitlines()):
        if line.startswith(_CHILD_MARK):
            result = Result(**json.loads(line[len(_CHILD_MARK):]))
            result.seconds = round(time.perf_counter() - start, 4)
            return result
    if child.returncode < 0:
        name = signal.Signals(-child.returncode).name
        failed.message = f"the process running it was killed by {name} (isolated run)"
    else:
        failed.message = (f"the process running it exited with status {child.returncode} "
                          f"(isolated run):\n{_excerpt(child.stderr, head=0, tail=12)}")
    failed.seconds = round(time.perf_counter() - start, 4)
    return failed


def child_main(name: str, case_id: str, target: str | None, compile_only: bool) -> int:
    """The child side of an isolated run: one case, its Result as one marked JSON line."""
    from flagtree.conformance import load_suite
    from flagtree.conformance.subject import open_subject

    subject = open_subject(name, target=target, compile_only=compile_only)
    result = run_case(load_suite()[case_id], subject, isolate=False)
    print(_CHILD_MARK + json.dumps(asdict(result)), flush=True)
    return 0


# -- suites ------------------------------------------------------------------------------------


def run_cases(cases: Iterable[Case], subject: Subject,
              on_result: Callable[[Result], Any] | None = None) -> list[Result]:
    """Every case in order; `on_result` sees each Result as it comes (progress bars)."""
    results = []
    for case in cases:
        result = run_case(case, subject)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results
