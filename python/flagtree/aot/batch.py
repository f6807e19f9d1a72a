"""The compile driver of `flagtree compile`: requests -> jobs (kernel x specialization x target)
-> worker processes -> one archive, with a progress bar and a per-target report.

Entries already in the output archive with the same build key are reused ("cached"); a failing
job is reported and the others go on; a crashed worker fails only its own job.
"""

from __future__ import annotations

import functools
import hashlib
import json
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flagtree.aot.archive import FORMAT_VERSION, Archive, write_archive
from flagtree.aot.build import Job, build
from flagtree.aot.errors import AOTError
from flagtree.aot.targets import Target, check_backend
from flagtree.utils import sources_digest


@dataclass(frozen=True)
class Request:
    """One kernel reference with one signature, for some targets (before autotune expansion)."""

    ref: str
    import_ref: str
    signature: str
    targets: tuple[Target, ...]
    options: dict = field(default_factory=dict)
    grid: str | None = None


@dataclass
class Outcome:
    """What happened to one job: status is compiled, cached or failed."""

    label: str
    target: str
    status: str
    seconds: float = 0.0
    error: str = ""
    entry: dict | None = None
    files: dict = field(default_factory=dict)


@dataclass
class Report:
    outcomes: list[Outcome]
    seconds: float
    archive: str | None

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def by_target(self) -> dict[str, dict[str, float]]:
        rows: dict[str, dict[str, float]] = {}
        for o in self.outcomes:
            row = rows.setdefault(o.target, {"compiled": 0, "cached": 0, "failed": 0,
                                             "seconds": 0.0})
            row[o.status] += 1
            row["seconds"] += o.seconds
        return rows


def versions() -> dict[str, str]:
    """The tool versions recorded in an archive's manifest."""
    import platform

    import triton

    import flagtree
    from flagtree.aot.native import llvm_version

    return {"flagtree": flagtree.__version__, "triton": triton.__version__,
            "llvm": llvm_version(), "python": platform.python_version()}


@functools.cache
def _aot_sources() -> str:
    """A digest of flagtree.aot's own sources: a change to how entries are made rebuilds them."""
    return sources_digest(sorted(Path(__file__).parent.rglob("*.py")))


def _build_key(fn: Any, signature_text: str, fixed: dict, options: dict, grid: str | None,
               target: Target) -> str:
    """Changes whenever anything that shapes the entry changes: the kernel's source (and what it
    calls), the specialization, the target, the toolchain, flagtree's options."""
    from triton._C.libtriton import get_cache_invalidating_env_vars
    from triton.compiler import make_backend

    from flagtree import knobs

    key = {
        "format": FORMAT_VERSION, "source": fn.cache_key, "signature": signature_text,
        "fixed": {k: str(v) for k, v in fixed.items()}, "options": options, "grid": grid,
        "target": target.to_json(), "versions": versions(), "aot": _aot_sources(),
        "backend": make_backend(target.gpu_target()).hash(),
        "env": sorted(get_cache_invalidating_env_vars().items()),
        "cpu": [knobs.cpu.opt_level, knobs.aot.cc] if target.backend == "cpu" else None,
    }
    return hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()


def plan(requests: list[Request]) -> tuple[list[Job], list[Outcome]]:
    """Expand requests into jobs; what cannot be planned (a kernel that does not import, a
    signature that does not fit, a target no backend compiles for) becomes failed outcomes."""
    from flagtree.aot.kernels import check_options, resolve, unwrap
    from flagtree.aot.signature import parse_signature

    jobs: list[Job] = []
    failures: list[Outcome] = []
    bad_targets: dict[Target, str] = {}
    for request in requests:
        label = f"{request.ref}[{request.signature}]"
        try:
            options = check_options(request.options, label)
            fn, variants = unwrap(resolve(request.import_ref), request.ref)
        except AOTError as exc:
            failures += [Outcome(label, t.name, "failed", error=str(exc)) for t in request.targets]
            continue
        kernel = fn.__name__
        constexpr_names = [fn.arg_names[i] for i in fn.constexprs]
        for variant in variants:
            variant_label = f"{kernel}[{request.signature}]" + "".join(
                f", {k}={v}" for k, v in variant.fixed.items())
            merged = {**options, **variant.options}
            try:
                signature = parse_signature(request.signature, fn.arg_names, kernel=kernel,
                                            constexpr_names=constexpr_names, fixed=variant.fixed)
            except AOTError as exc:
                failures += [Outcome(variant_label, t.name, "failed", error=str(exc))
                             for t in request.targets]
                continue
            for target in request.targets:
                if target not in bad_targets:
                    try:
                        check_backend(target)
                        bad_targets[target] = ""
                    except AOTError as exc:
                        bad_targets[target] = str(exc)
                if bad_targets[target]:
                    failures.append(Outcome(variant_label, target.name, "failed",
                                            error=bad_targets[target]))
                    continue
                try:
                    key = _build_key(fn, signature.text, variant.fixed, merged, request.grid,
                                     target)
                except Exception as exc:  # noqa: BLE001 - e.g. a vendor toolchain missing
                    failures.append(Outcome(variant_label, target.name, "failed",
                                            error=f"{type(exc).__name__}: {exc}"))
                    continue
                jobs.append(Job(ref=request.ref, import_ref=request.import_ref, kernel=kernel,
                                signature=request.signature, target=target.to_json(),
                                fixed=dict(variant.fixed), options=merged, grid=request.grid,
                                key=key))
    unique: dict[str, Job] = {}
    for job in jobs:
        unique.setdefault(job.key, job)
    return list(unique.values()), failures


def _cached(out: str | None, jobs: list[Job]) -> dict[str, Outcome]:
    """Outcomes for jobs whose entry (same build key, intact files) is already at `out`."""
    if not out or not Path(out).exists():
        return {}
    try:
        archive = Archive(out)
    except AOTError:
        return {}
    by_key = {e.get("build_key"): e for e in archive.entries}
    found = {}
    for job in jobs:
        entry = by_key.get(job.key)
        if entry is None:
            continue
        try:
            files = {name: archive.read(name, entry) for name in entry["files"].values()}
        except AOTError:
            continue
        found[job.key] = Outcome(job.label, job.target_name, "cached", entry=entry, files=files)
    return found


def _run_jobs(jobs: list[Job], workers: int, done: Callable[[Job, dict], None]) -> None:
    """Run `build` on every job in worker processes; a worker that dies fails only its job
    (the jobs it took down with it are retried one process each)."""
    context = multiprocessing.get_context("spawn")
    pending, isolate = list(jobs), False
    while pending:
        crashed = []
        for batch in ([[job] for job in pending] if isolate else [pending]):
            with ProcessPoolExecutor(max_workers=1 if isolate else workers,
                                     mp_context=context) as pool:
                futures = {pool.submit(build, job): job for job in batch}
                for future in as_completed(futures):
                    job = futures[future]
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        if isolate:
                            done(job, {"error": "the compiler process crashed", "seconds": 0.0})
                        else:
                            crashed.append(job)
                        continue
                    done(job, result)
        pending, isolate = crashed, True


def compile_requests(requests: list[Request], out: str | None, workers: int,
                     progress: Any = None) -> Report:
    """Compile everything `requests` asks for into the archive `out` (written unless nothing
    compiled). `progress` (rich.progress.Progress or None) shows one bar."""
    start = time.perf_counter()
    jobs, outcomes = plan(requests)
    cached = _cached(out, jobs)
    outcomes += list(cached.values())
    todo = [job for job in jobs if job.key not in cached]
    task = None
    if progress is not None:
        task = progress.add_task("compiling", total=len(jobs) + len(outcomes) - len(cached))
        progress.advance(task, len(outcomes))

    def done(job: Job, result: dict) -> None:
        if "error" in result:
            outcomes.append(Outcome(job.label, job.target_name, "failed",
                                    result.get("seconds", 0.0), result["error"]))
        else:
            outcomes.append(Outcome(job.label, job.target_name, "compiled", result["seconds"],
                                    entry=result["entry"], files=result["files"]))
        if progress is not None:
            progress.update(task, advance=1, description=f"{job.kernel} for {job.target_name}")

    if todo:
        _run_jobs(todo, max(1, min(workers, len(todo))), done)
    entries = [o for o in outcomes if o.entry is not None]
    written = None
    if out and entries:
        files: dict[str, bytes] = {}
        for o in entries:
            files.update(o.files)
        write_archive(out, [o.entry for o in entries], files, versions())
        written = str(out)
    if progress is not None:
        progress.update(task, description="done")
    return Report(outcomes, time.perf_counter() - start, written)


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
