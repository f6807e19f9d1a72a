"""pytest plugin: `pytest --flagtree-backend NAME` adds the conformance suite as test items.

Registered by the `pytest11` entry point; imports nothing heavy until the option is given.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("flagtree", "flagtree conformance kit")
    group.addoption("--flagtree-backend", metavar="NAME", default=None,
                    help="add flagtree's conformance suite, run against backend NAME")
    group.addoption("--flagtree-target", metavar="BACKEND:ARCH", default=None,
                    help="the backend's target to test (default: its first)")
    group.addoption("--flagtree-compile-only", action="store_true", default=False,
                    help="compile and check binaries only, even if the backend runs here")
    group.addoption("--flagtree-group", metavar="GROUP", action="append", default=[],
                    help="only this feature group of the suite (repeatable)")


class ConformanceSuite(pytest.Collector):
    """The conformance cases of one backend, as pytest items."""

    def __init__(self, *, subject, cases, **kwargs) -> None:
        super().__init__(**kwargs)
        self.subject = subject
        self.cases = cases

    def collect(self):
        for case in self.cases:
            yield ConformanceCase.from_parent(self, name=case.id, case=case)


class ConformanceCase(pytest.Item):
    """One conformance case: passes, fails naming case/op/kernel, or skips as unsupported."""

    def __init__(self, *, case, **kwargs) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.add_marker(pytest.mark.flagtree_conformance)
        self.keywords[case.group] = True

    def runtest(self) -> None:
        from flagtree.conformance.runner import FAIL, UNSUPPORTED, run_case

        result = run_case(self.case, self.parent.subject)
        if result.status == UNSUPPORTED:
            pytest.skip(f"unsupported (declared): {result.reason}")
        if result.status == FAIL:
            pytest.fail(result.describe(), pytrace=False)

    def reportinfo(self):
        return self.path, None, f"{self.parent.name}::{self.case.id}"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "flagtree_conformance: a flagtree conformance case")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config,
                                  items: list) -> None:
    """Append the suite's items (before -k / -m deselect, which then apply to them too)."""
    name = config.getoption("flagtree_backend")
    if not name:
        return
    from flagtree.conformance import load_suite
    from flagtree.conformance.select import select
    from flagtree.conformance.subject import SubjectError, open_subject

    try:
        subject = open_subject(name, target=config.getoption("flagtree_target"),
                               compile_only=config.getoption("flagtree_compile_only"))
    except SubjectError as exc:
        raise pytest.UsageError(f"--flagtree-backend: {exc}") from None
    suite = load_suite()
    groups = config.getoption("flagtree_group")
    unknown = sorted(set(groups) - set(suite.groups()))
    if unknown:
        raise pytest.UsageError(f"--flagtree-group: unknown group(s) {', '.join(unknown)}; "
                                f"groups: {', '.join(suite.groups())}")
    collector = ConformanceSuite.from_parent(
        session, name=f"flagtree-conformance[{subject.name}@{subject.target}]",
        subject=subject, cases=select(suite, groups=groups))
    items.extend(collector.collect())
