"""Dump the TTIR of every corpus case and check each case's claimed op families.

Run from ``test/python`` as ``python -m corpus.dump OUTDIR`` with ``python/`` on PYTHONPATH.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import sys
import time
import warnings
from pathlib import Path


def _op(name: str) -> str:
    """Regex for an op (or attribute) name, not matching longer dotted/underscored names."""
    return r"(?<![\w.])" + re.escape(name) + r"(?![\w.])"


# family -> regex that must match the (location-stripped) TTIR of any case claiming it.
FAMILY_PATTERNS: dict[str, str] = {
    "func": _op("tt.func"),
    "call": _op("tt.call"),
    "program_id": _op("tt.get_program_id"),
    "num_programs": _op("tt.get_num_programs"),
    "make_range": _op("tt.make_range"),
    "splat": _op("tt.splat"),
    "unsplat": _op("tt.unsplat"),
    "broadcast": _op("tt.broadcast"),
    "expand_dims": _op("tt.expand_dims"),
    "reshape": _op("tt.reshape"),
    "trans": _op("tt.trans"),
    "cat": _op("tt.cat"),
    "join": _op("tt.join"),
    "split": _op("tt.split"),
    "gather": _op("tt.gather"),
    "addptr": _op("tt.addptr"),
    "load": _op("tt.load"),
    "store": _op("tt.store"),
    "load_cache": _op("tt.load") + r"[^\n]*\b(?:cachePolicy|isVolatile)\b",
    "load_boundary": _op("tt.load") + r"[^\n]*\b(?:boundaryCheck|padding)\b",
    "atomic_rmw": _op("tt.atomic_rmw"),
    "atomic_cas": _op("tt.atomic_cas"),
    "reduce": _op("tt.reduce"),
    "scan": _op("tt.scan"),
    "map_elementwise": _op("tt.map_elementwise"),
    "dot": _op("tt.dot"),
    "dot_scaled": _op("tt.dot_scaled"),
    "fp_to_fp": _op("tt.fp_to_fp"),
    "int_to_ptr": _op("tt.int_to_ptr"),
    "ptr_to_int": _op("tt.ptr_to_int"),
    "bitcast": _op("tt.bitcast"),
    "clampf": _op("tt.clampf"),
    "precise_sqrt": _op("tt.precise_sqrt"),
    "precise_divf": _op("tt.precise_divf"),
    "mulhiui": _op("tt.mulhiui"),
    "histogram": _op("tt.histogram"),
    "extern_elementwise": _op("tt.extern_elementwise"),
    "inline_asm": _op("tt.elementwise_inline_asm"),
    "tensordesc": _op("tt.make_tensor_descriptor"),
    "descriptor_load": _op("tt.descriptor_load"),
    "descriptor_store": _op("tt.descriptor_store"),
    "descriptor_gather": _op("tt.descriptor_gather"),
    "descriptor_scatter": _op("tt.descriptor_scatter"),
    "descriptor_reduce": _op("tt.descriptor_reduce"),
    "assert": _op("tt.assert"),
    "print": _op("tt.print"),
    "where": _op("arith.select"),
    "cast": r"(?<![\w.])arith\.(?:extf|truncf|sitofp|uitofp|fptosi|fptoui|extsi|extui|trunci)(?![\w.])",
    "math": r"(?<![\w.])math\.[a-z0-9_]+(?![\w.])",
    # Philox round multiplier 0xD2511F53 as a signed i32: present exactly when tl.rand* is used.
    "rand": r"arith\.constant (?:dense<)?-766435501\b",
    "scf_for": _op("scf.for"),
    "scf_while": _op("scf.while"),
    "scf_if": _op("scf.if"),
    "unroll_attr": _op("tt.loop_unroll_factor"),
    "num_stages_attr": _op("tt.num_stages"),
    "divisibility": _op("tt.divisibility"),
    # Extra families.
    "approx_divf": _op("tt.approx_divf"),
    "atomic_load": _op("tt.atomic_load"),
    "atomic_store": _op("tt.atomic_store"),
    "atomic_poll": _op("tt.atomic_poll"),
    "grid_dependency": r"(?<![\w.])tt\.grid_dependency_(?:wait|launch_dependents)(?![\w.])",
    "assume": _op("llvm.intr.assume"),
    "barrier": _op("ttg.barrier"),
    "contiguity": _op("tt.contiguity"),
    "constancy": _op("tt.constancy"),
    "tensordesc_arg": r"tt\.func public @[\w.$]+\([^\n]*!tt\.tensordesc<",
    "flatten_attr": _op("tt.flatten"),
    "warp_specialize_attr": _op("tt.warp_specialize"),
    "disallow_acc_multi_buffer_attr": _op("tt.disallow_acc_multi_buffer"),
    "loop_annotation": _op("llvm.loop_annotation"),
    "unstructured_cf": r"(?<![\w.])cf\.(?:br|cond_br)(?![\w.])",
}


def strip_locations(text: str) -> str:
    """Drop ``#locN = ...`` lines and every ``loc(...)`` (balanced, string-aware) from TTIR text."""
    out: list[str] = []
    for line in text.splitlines():
        if line.startswith("#loc"):
            continue
        res: list[str] = []
        i, n = 0, len(line)
        while i < n:
            if line.startswith("loc(", i) and (
                i == 0 or not (line[i - 1].isalnum() or line[i - 1] in "_.#")
            ):
                depth, j, in_str = 0, i + 3, False
                while j < n:
                    ch = line[j]
                    if in_str:
                        if ch == "\\":
                            j += 1
                        elif ch == '"':
                            in_str = False
                    elif ch == '"':
                        in_str = True
                    elif ch == "(":
                        depth += 1
                    elif ch == ")":
                        depth -= 1
                        if depth == 0:
                            break
                    j += 1
                i = j + 1
                while res and res[-1] == " ":
                    res.pop()
                continue
            res.append(line[i])
            i += 1
        out.append("".join(res))
    return "\n".join(out) + "\n"


def families_present(stripped: str) -> set[str]:
    return {fam for fam, pat in FAMILY_PATTERNS.items() if re.search(pat, stripped)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    args = parser.parse_args(argv)

    # Triton 3.9 warns on every compile that this knob is unset; TTIR does not depend on it.
    warnings.filterwarnings("ignore", message=".*TRITON_DEFAULT_FP_FUSION.*")
    # cat_sum uses tl.cat(can_reorder=True) on purpose: it is the only way to get tt.cat in 3.9.
    warnings.filterwarnings("ignore", message=r".*tl\.cat\(can_reorder=True\) is deprecated.*")

    from flagtree.ttir import make_ttir

    from . import CASES, EXTRA_FAMILIES, REQUESTED_FAMILIES, UNPRODUCIBLE

    args.outdir.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    known = set(REQUESTED_FAMILIES) | set(EXTRA_FAMILIES)
    missing_patterns = known - set(FAMILY_PATTERNS)
    if missing_patterns:
        errors.append(f"families without a pattern: {sorted(missing_patterns)}")

    t0 = time.perf_counter()
    rows: list[tuple[str, float, list[str]]] = []
    claimed_by: dict[str, list[str]] = {}
    seen_anywhere: set[str] = set()
    for c in CASES:
        t = time.perf_counter()
        captured = io.StringIO()
        try:
            with contextlib.redirect_stdout(captured):  # tl.static_print writes to stdout
                text = make_ttir(c.spec)
        except Exception as exc:  # noqa: BLE001 - report every failing case, then fail
            first = str(exc).strip().splitlines()
            errors.append(
                f"{c.name}: compile failed: {type(exc).__name__}: {first[-1] if first else ''}"
            )
            rows.append((c.name, time.perf_counter() - t, ["<compile failed>"]))
            continue
        dt = time.perf_counter() - t
        (args.outdir / f"{c.name}.ttir").write_text(text)
        present = families_present(strip_locations(text))
        seen_anywhere |= present
        for fam in sorted(c.families):
            if fam not in known:
                errors.append(f"{c.name}: claims unknown family {fam!r}")
            elif fam in UNPRODUCIBLE:
                errors.append(f"{c.name}: claims unproducible family {fam!r}")
            elif fam not in present:
                errors.append(
                    f"{c.name}: claims {fam!r} but /{FAMILY_PATTERNS[fam]}/ is absent from its TTIR"
                )
            else:
                claimed_by.setdefault(fam, []).append(c.name)
        rows.append((c.name, dt, sorted(c.families)))
    total = time.perf_counter() - t0

    width = max(len(r[0]) for r in rows)
    print(f"{'case':<{width}}  {'ms':>6}  families")
    print(f"{'-' * width}  {'-' * 6}  {'-' * 8}")
    for name, dt, fams in rows:
        print(f"{name:<{width}}  {dt * 1000:6.0f}  {', '.join(fams)}")
    print(f"\n{len(CASES)} cases compiled in {total:.1f} s, TTIR written to {args.outdir}")

    producible = [f for f in (*REQUESTED_FAMILIES, *EXTRA_FAMILIES) if f not in UNPRODUCIBLE]
    uncovered = [f for f in producible if f not in claimed_by]
    print(
        f"\nfamilies covered: {len(producible) - len(uncovered)}/{len(producible)} producible "
        f"({len(REQUESTED_FAMILIES)} requested + {len(EXTRA_FAMILIES)} extra, {len(UNPRODUCIBLE)} unproducible)"
    )
    for fam in producible:
        if fam in claimed_by:
            print(f"  {fam:<32} {len(claimed_by[fam]):3d} case(s)")
    if uncovered:
        print("UNCOVERED families: " + ", ".join(uncovered))
        errors.append(f"uncovered families: {uncovered}")
    else:
        print("every producible family is covered")
    for fam, why in UNPRODUCIBLE.items():
        note = "  (but its pattern matched somewhere!)" if fam in seen_anywhere else ""
        print(f"unproducible: {fam}: {why}{note}")

    if errors:
        print(f"\nFAILED: {len(errors)} problem(s)", file=sys.stderr)
        for e in errors:
            print(f"  {e}", file=sys.stderr)
        return 1
    print("\nOK: every claimed family appears in its case's TTIR")
    return 0


if __name__ == "__main__":
    sys.exit(main())
