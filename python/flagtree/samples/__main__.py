"""Main job: run the sample kernels on the cpu backend (checked against torch) and compile
them offline for GPU targets, printing one table. `python -m flagtree.samples [OUTDIR]`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from flagtree.samples.kernels import SAMPLES, run_sample
from flagtree.ttir import make_ttir
from flagtree.utils import atomic_write_text

GPU_TARGETS = (("cuda", 80, 32), ("cuda", 90, 32), ("hip", "gfx942", 64))


def compile_offline(spec, target: tuple) -> tuple[int, float]:
    """Compile `spec` for a GPU target with Triton's own toolchain (no GPU needed)."""
    from triton.backends.compiler import GPUTarget
    from triton.compiler import ASTSource, compile

    start = time.perf_counter()
    kernel = compile(ASTSource(spec.fn, spec.signature, spec.constexprs, spec.attrs),
                     target=GPUTarget(*target))
    binary = kernel.asm["cubin" if target[0] == "cuda" else "hsaco"]
    return len(binary), time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flagtree.samples", description=__doc__)
    parser.add_argument("outdir", nargs="?", default="build/samples",
                        help="where to write each kernel's TTIR (<kernel>.ttir)")
    args = parser.parse_args(argv)
    os.makedirs(args.outdir, exist_ok=True)
    names = [f"{t[0]}:{t[1]}" for t in GPU_TARGETS]
    print(f"{'kernel':<16} {'cpu run':>12} " + " ".join(f"{n:>16}" for n in names))
    failures = 0
    for spec in SAMPLES:
        atomic_write_text(os.path.join(args.outdir, f"{spec.name}.ttir"), make_ttir(spec))
        try:
            cpu = f"ok {run_sample(spec) * 1e3:6.1f}ms"
        except Exception as exc:  # noqa: BLE001 - reported in the table
            failures += 1
            cpu = "FAILED"
            print(f"{spec.name} on cpu: {exc}", file=sys.stderr)
        cells = []
        for target in GPU_TARGETS:
            try:
                size, seconds = compile_offline(spec, target)
                cells.append(f"{size // 1024:>5} KiB {seconds:5.2f}s")
            except Exception as exc:  # noqa: BLE001
                failures += 1
                cells.append("FAILED")
                print(f"{spec.name} for {target}: {exc}", file=sys.stderr)
        print(f"{spec.name:<16} {cpu:>12} " + " ".join(f"{c:>16}" for c in cells))
    print(f"TTIR written to {args.outdir}; {failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
