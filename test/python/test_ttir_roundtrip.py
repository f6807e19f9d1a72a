"""Round-trip tests: Triton 3.9's TTIR for the corpus kernels parses in flagtree's MLIR 22.

Each kernel's TTIR is parsed and verified in flagtree's context and must re-print exactly
as Triton itself re-prints it, locations included.
"""

from __future__ import annotations

import re

import pytest
from mlir import ir

from corpus import CASES, REQUESTED_FAMILIES, UNPRODUCIBLE
from corpus.dump import families_present, strip_locations
from flagtree.mlir import make_context, parse_module, print_module
from flagtree.ttir import make_ttir
from triton_ir import triton_reprint


@pytest.fixture(scope="module")
def ttir_texts() -> dict[str, str]:
    return {c.name: make_ttir(c.spec) for c in CASES}


def test_corpus_is_large_enough():
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)


def test_corpus_covers_every_requested_family(ttir_texts):
    seen: set[str] = set()
    for c in CASES:
        present = families_present(strip_locations(ttir_texts[c.name]))
        assert c.families <= present, f"{c.name} claims {sorted(c.families - present)}"
        seen |= present
    missing = set(REQUESTED_FAMILIES) - seen - set(UNPRODUCIBLE)
    assert not missing, f"families no kernel produces: {sorted(missing)}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_roundtrip_matches_triton(case, ttir_texts):
    text = ttir_texts[case.name]
    module = parse_module(text, make_context())
    assert module.operation.verify()
    ours = print_module(module)
    theirs = triton_reprint(text)
    # Exact text, locations and SSA names included (trailing newline aside).
    assert ours.rstrip("\n") == theirs.rstrip("\n")
    if theirs.rstrip("\n") == text.rstrip("\n"):
        # Where Triton's own text is a fixed point, ours is too. (Names of loop
        # block arguments come from locations Triton's syntax does not print, so a
        # re-parse, Triton's included, renames them to %argN.)
        assert ours.rstrip("\n") == text.rstrip("\n")


def test_every_tt_op_appears_in_the_corpus(ttir_texts):
    from flagtree.mlir.dialects import _tt_ops_gen

    names = {
        cls.OPERATION_NAME
        for cls in vars(_tt_ops_gen).values()
        if isinstance(cls, type) and hasattr(cls, "OPERATION_NAME")
    }
    used = set()
    for text in ttir_texts.values():
        used |= set(re.findall(r"\b(tt\.[a-z_.]+)", strip_locations(text)))
    assert names - used == set(), f"tt ops the corpus never exercises: {sorted(names - used)}"


@pytest.mark.parametrize(
    "text, message",
    [
        ("this is not MLIR", "custom op 'this' is unknown"),
        ("tt.func @f(%a: i32) {\n  %0 = tt.splat %a : i32 -> tensor<4xf32>\n  tt.return\n}",
         "requires the same element type"),
        ("tt.func @f() {\n  %0 = tt.make_range {end = 0 : i32, start = 4 : i32} : tensor<4xi32>\n"
         "  tt.return\n}", "requires start < end"),
    ],
)
def test_invalid_ttir_raises_a_located_error(text, message):
    with pytest.raises(ir.MLIRError) as info:
        parse_module(text, make_context())
    diag = info.value.error_diagnostics[0]
    assert message in diag.message
    assert diag.location.is_a_file() and diag.location.start_line >= 1
