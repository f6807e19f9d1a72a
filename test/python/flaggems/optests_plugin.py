"""A pytest plugin for FlagGems' own op tests on flagtree's cpu backend (scripts/flaggems_tests.sh).

It picks a subset of each test's parametrizations, records each outcome as one JSON line (so a
crashed run can resume), and can hide flagtree's block pointers to measure FlagGems without them.
"""

from __future__ import annotations

import importlib.abc
import json
import os
import sys
import threading
import time

import pytest

BLOCK_PTR_MODULE = "flagtree.compat.block_ptr"


def pytest_addoption(parser) -> None:
    group = parser.getgroup("flagtree", "FlagGems op tests on flagtree")
    group.addoption("--flagtree-cases-per-test", type=int, default=0, metavar="N",
                    help="run at most N parametrizations of each test function, evenly spread "
                         "over its list (0: all)")
    group.addoption("--flagtree-results", default=None, metavar="PATH",
                    help="append one JSON line per test outcome to PATH; tests already recorded "
                         "there are not run again")
    group.addoption("--flagtree-hard-timeout", type=float, default=0, metavar="S",
                    help="end the process when one test runs S seconds (a hang in native code "
                         "that pytest-timeout cannot interrupt); it is recorded as a timeout")
    group.addoption("--flagtree-without-block-ptr", action="store_true",
                    help="run as if flagtree had no block pointers (Triton 3.9's own behaviour)")


class _HideModule(importlib.abc.MetaPathFinder):
    """Makes one module unimportable, as if it were not installed."""

    def __init__(self, name: str) -> None:
        self.name = name

    def find_spec(self, fullname, path, target=None):
        if fullname == self.name:
            raise ModuleNotFoundError(f"No module named {fullname!r} (hidden for this run)",
                                      name=fullname)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args) -> None:
    # FlagGems' conftest imports flag_gems (and so triton) when it loads: hide block pointers first.
    if early_config.known_args_namespace.flagtree_without_block_ptr:
        if any(name.startswith("triton") for name in sys.modules):
            raise pytest.UsageError("--flagtree-without-block-ptr: triton was imported already")
        sys.meta_path.insert(0, _HideModule(BLOCK_PTR_MODULE))


def _spread(count: int, keep: int) -> list[int]:
    """`keep` indices evenly spread over range(count), first and last included."""
    if keep <= 0 or count <= keep:
        return list(range(count))
    if keep == 1:
        return [0]
    return sorted({round(i * (count - 1) / (keep - 1)) for i in range(keep)})


def test_id(nodeid: str) -> str:
    """A test's id from FlagGems' `tests/` folder on, whatever pytest's rootdir was."""
    start = nodeid.find("tests/")
    return nodeid[start:] if start > 0 else nodeid


def _recorded(path: str | None) -> set[str]:
    if not path or not os.path.exists(path):
        return set()
    done = set()
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue  # A line cut short by a crash.
            # A test that started and never finished crashed the previous run: not again.
            done.add(test_id(record["nodeid"]))
    return done


def pytest_collection_modifyitems(session, config, items) -> None:
    keep = config.getoption("--flagtree-cases-per-test")
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(item.nodeid.split("[", 1)[0], []).append(item)
    selected = []
    for group in groups.values():
        selected.extend(group[i] for i in _spread(len(group), keep))
    done = _recorded(config.getoption("--flagtree-results"))
    chosen = {id(item) for item in selected}
    deselected = [item for item in items
                  if id(item) not in chosen or test_id(item.nodeid) in done]
    if deselected:
        dropped = {id(item) for item in deselected}
        items[:] = [item for item in items if id(item) not in dropped]
        config.hook.pytest_deselected(items=deselected)


class _Recorder:
    """Appends one JSON line per test: 'started' before it runs, then its outcome and how many
    Triton kernels it launched. With a hard timeout, a test still running after it is recorded
    as timed out and the process exits 70."""

    HARD_TIMEOUT_EXIT = 70
    FORKED_EXIT = 75

    def __init__(self, path: str, hard_timeout: float) -> None:
        self.file = open(path, "a", encoding="utf-8")  # noqa: SIM115 - open for the session
        self.hard_timeout = hard_timeout
        self.lock = threading.Lock()
        self.timer: threading.Timer | None = None
        self.launches = 0
        self.counting = False
        self.pid = os.getpid()

    def _in_session_process(self) -> bool:
        """False in a process forked by a test that got back into pytest's loop: it ends there."""
        if os.getpid() == self.pid:
            return True
        os._exit(self.FORKED_EXIT)

    def _count_launch(self, metadata) -> None:
        self.launches += 1

    def _start_counting(self) -> None:
        """Count Triton kernel launches per test (triton is imported by now, by FlagGems)."""
        if not self.counting and "triton" in sys.modules:
            self.counting = True
            sys.modules["triton"].knobs.runtime.launch_enter_hook.add(self._count_launch)

    def write(self, record: dict) -> None:
        record["time"] = round(time.time(), 2)
        with self.lock:
            self.file.write(json.dumps(record) + "\n")
            self.file.flush()
            os.fsync(self.file.fileno())

    def _hung(self, nodeid: str) -> None:
        self.write({"nodeid": nodeid, "outcome": "failed", "when": "call",
                    "duration": self.hard_timeout, "where": "",
                    "message": f"Timeout (>{self.hard_timeout}s) from the hard timeout of "
                               "optests_plugin (pytest-timeout could not interrupt it)"})
        sys.stderr.write(f"\noptests_plugin: {nodeid} hung; exiting\n")
        sys.stderr.flush()
        os._exit(self.HARD_TIMEOUT_EXIT)

    @pytest.hookimpl
    def pytest_runtest_logstart(self, nodeid, location) -> None:
        self._in_session_process()
        self.write({"nodeid": nodeid, "outcome": "started"})
        self._start_counting()
        self.launches = 0
        if self.hard_timeout > 0:
            self.timer = threading.Timer(self.hard_timeout, self._hung, (nodeid, ))
            self.timer.daemon = True
            self.timer.start()

    @pytest.hookimpl
    def pytest_runtest_logfinish(self, nodeid, location) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report) -> None:
        self._in_session_process()
        failed_setup = report.when == "setup" and not report.passed
        if report.when != "call" and not failed_setup and not (report.when == "teardown"
                                                               and report.failed):
            return
        outcome = report.outcome
        if failed_setup and report.failed:
            outcome = "error"
        if hasattr(report, "wasxfail"):
            outcome = "xfailed" if report.skipped else "xpassed"
        record = {"nodeid": report.nodeid, "outcome": outcome, "when": report.when,
                  "duration": round(report.duration, 3), "launches": self.launches}
        if not report.passed:
            record.update(_failure(report))
        self.write(record)

    def close(self) -> None:
        self.file.close()


def _failure(report) -> dict:
    """The failure's message and where it was raised, from pytest's report. Triton's compile
    errors quote the source first; their reason follows the line with the caret."""
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        message, where = crash.message, f"{crash.path}:{crash.lineno}"
    elif isinstance(report.longrepr, tuple):  # A skip: (path, line, reason).
        message, where = report.longrepr[2], f"{report.longrepr[0]}:{report.longrepr[1]}"
    else:
        message, where = str(report.longrepr), ""
    lines = [line for line in message.splitlines() if line.strip()]
    carets = [i for i, line in enumerate(lines) if line.strip() == "^"]
    if carets:
        lines = lines[:1] + lines[carets[-1] + 1:]
    if len(lines) == 1 and lines[0].endswith(":"):
        # The frontend's errors chain the reason: take the message of the exception raised first.
        chain = getattr(report.longrepr, "chain", None) or []
        causes = [c for _, c, _ in chain[:-1] if c is not None]
        if causes:
            lines += [line for line in causes[0].message.splitlines() if line.strip()][:4]
            where = f"{causes[0].path}:{causes[0].lineno}"
    return {"message": "\n".join(lines[:8])[:1500], "where": where}


def pytest_unconfigure(config) -> None:
    """End the child processes tests left running: Python would wait for them at exit forever
    (FlagGems' test_libcache_vllm_signal_scenario leaves one that ignores SIGINT)."""
    if "multiprocessing" in sys.modules:
        for child in sys.modules["multiprocessing"].active_children():
            child.kill()
            child.join(5)


def pytest_configure(config) -> None:
    path = config.getoption("--flagtree-results")
    if path:
        recorder = _Recorder(path, config.getoption("--flagtree-hard-timeout"))
        config.pluginmanager.register(recorder, "flagtree-results")
        config.add_cleanup(recorder.close)
