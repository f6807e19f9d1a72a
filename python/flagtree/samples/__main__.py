"""Main job: run the sample kernels on the cpu backend (checked against torch) and write their
TTIR; with --archive, run them from a `flagtree compile` archive instead, printing one table.

`python -m flagtree.samples [OUTDIR]`, then `flagtree compile python/flagtree/samples/kernels.toml
--out ARCHIVE`, then `python -m flagtree.samples --archive ARCHIVE` (see scripts/main.sh).
"""

from __future__ import annotations

import argparse
import os
import sys

from flagtree.samples.kernels import SAMPLES, run_sample
from flagtree.ttir import make_ttir
from flagtree.utils import atomic_write_text


def _run_from_jit(outdir: str) -> int:
    os.makedirs(outdir, exist_ok=True)
    print(f"{'kernel':<16} {'cpu run (jit)':>14}")
    failures = 0
    for spec in SAMPLES:
        atomic_write_text(os.path.join(outdir, f"{spec.name}.ttir"), make_ttir(spec))
        try:
            cell = f"ok {run_sample(spec) * 1e3:6.1f}ms"
        except Exception as exc:  # noqa: BLE001 - reported in the table
            failures += 1
            cell = "FAILED"
            print(f"{spec.name} on cpu: {exc}", file=sys.stderr)
        print(f"{spec.name:<16} {cell:>14}")
    print(f"TTIR written to {outdir}; {failures} failure(s)")
    return failures


def _run_from_archive(path: str) -> int:
    """Each sample from the archive's cpu binaries (no compiler), and its binary per target."""
    from flagtree import aot
    from flagtree.aot.archive import Archive

    archive = Archive(path)
    kernels = aot.load(archive)
    targets = sorted({e["target_name"] for e in archive.entries} - {kernels.target.name})
    print(f"{'kernel':<16} {'cpu run (archive)':>18} " + " ".join(f"{t:>12}" for t in targets))
    failures = 0
    for spec in SAMPLES:
        try:
            cell = f"ok {run_sample(spec, kernels[spec.name]) * 1e3:6.1f}ms"
        except Exception as exc:  # noqa: BLE001 - reported in the table
            failures += 1
            cell = "FAILED"
            print(f"{spec.name} from {path}: {exc}", file=sys.stderr)
        sizes = []
        for target in targets:
            entry = next((e for e in archive.entries
                          if e["kernel"] == spec.name and e["target_name"] == target), None)
            size = archive.files[entry["files"]["binary"]]["size"] if entry else None
            sizes.append(f"{size // 1024:>5} KiB" if size is not None else "missing")
            failures += size is None
        print(f"{spec.name:<16} {cell:>18} " + " ".join(f"{s:>12}" for s in sizes))
    print(f"ran the {kernels.target.name} binaries of {path}; {failures} failure(s)")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flagtree.samples", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("outdir", nargs="?", default="build/samples",
                        help="where to write each kernel's TTIR (<kernel>.ttir)")
    parser.add_argument("--archive", help="run the samples from this `flagtree compile` archive")
    args = parser.parse_args(argv)
    failures = _run_from_archive(args.archive) if args.archive else _run_from_jit(args.outdir)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
