"""Main job: compile the sample kernels to TTIR and through flagtree's MLIR, writing both.

Until the CPU backend lands, this is flagtree's end-to-end path: Triton -> TTIR -> tt dialect.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from mlir import ir, passmanager

from flagtree.mlir import make_context, parse_module, print_module
from flagtree.mlir.passes import add_pass
from flagtree.samples.kernels import SAMPLES
from flagtree.ttir import make_ttir
from flagtree.utils import atomic_write_text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flagtree.samples", description=__doc__)
    parser.add_argument("outdir", nargs="?", default="build/samples",
                        help="where to write <kernel>.ttir and <kernel>.flagtree.mlir")
    args = parser.parse_args(argv)
    os.makedirs(args.outdir, exist_ok=True)
    failures = 0
    print(f"{'kernel':<16} {'ttir ms':>8} {'parse+pass ms':>14} {'ops':>5}  status")
    for spec in SAMPLES:
        start = time.perf_counter()
        text = make_ttir(spec)
        mid = time.perf_counter()
        context = make_context()
        try:
            module = parse_module(text, context)
            with context:
                pm = passmanager.PassManager("builtin.module")
                add_pass(pm, "tt-strip-debug-ops")
                pm.add("canonicalize,cse")
                pm.run(module.operation)
        except ir.MLIRError as exc:
            failures += 1
            print(f"{spec.name}: {exc}", file=sys.stderr)
            continue
        end = time.perf_counter()
        ops = sum(1 for _ in _walk(module.operation))
        atomic_write_text(os.path.join(args.outdir, f"{spec.name}.ttir"), text)
        atomic_write_text(os.path.join(args.outdir, f"{spec.name}.flagtree.mlir"),
                          print_module(module, debug_info=False))
        print(f"{spec.name:<16} {1e3 * (mid - start):>8.1f} {1e3 * (end - mid):>14.1f} "
              f"{ops:>5}  ok")
    print(f"wrote {len(SAMPLES) - failures} kernels to {args.outdir}")
    return 1 if failures else 0


def _walk(op: ir.Operation):
    found = []
    op.walk(lambda o: (found.append(o), ir.WalkResult.ADVANCE)[1])
    return found


if __name__ == "__main__":
    sys.exit(main())
