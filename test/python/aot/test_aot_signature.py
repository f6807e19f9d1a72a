"""Signatures in `triton.tools.compile` notation: parsing, the ASTSource inputs they give, and
errors that name the kernel and the argument."""

from __future__ import annotations

import pytest
import triton.language as tl
from flagtree.aot.errors import SignatureError
from flagtree.aot.signature import Signature, parse_signature

NAMES = ["x_ptr", "y_ptr", "out_ptr", "n", "BLOCK"]


def parse(text, names=NAMES, **kw):
    return parse_signature(text, names, kernel="add", constexpr_names=["BLOCK"], **kw)


def test_parse_hints_and_constexprs():
    sig = parse("*fp32:16, *fp16, *kbf16:16, i32:1, 1024")
    signature, constexprs, attrs = sig.ast_inputs()
    assert signature == {"x_ptr": "*fp32", "y_ptr": "*fp16", "out_ptr": "*kbf16",
                         "n": "constexpr", "BLOCK": "constexpr"}
    assert constexprs == {"n": 1, "BLOCK": 1024}
    assert attrs == {(0,): [["tt.divisibility", 16]], (2,): [["tt.divisibility", 16]]}
    assert [p.name for p in sig.runtime] == ["x_ptr", "y_ptr", "out_ptr"]
    assert sig.text == "*fp32:16, *fp16, *kbf16:16, i32:1, 1024"


@pytest.mark.parametrize("literal,value", [("True", True), ("None", None), ("2.5", 2.5),
                                           ('"relu, fast"', "relu, fast"), ("-3", -3)])
def test_constexpr_literals_round_trip(literal, value):
    sig = parse(f"*fp32, *fp32, *fp32, i64, {literal}")
    assert sig.constexprs["BLOCK"] == value
    again = parse(sig.text)
    assert again == sig
    assert Signature.from_json(sig.to_json()) == sig


def test_dtype_constexpr():
    sig = parse("*fp32, *fp32, *fp32, i32, tl.float16")
    assert sig.ast_inputs()[1]["BLOCK"] == tl.float16
    assert sig.constexprs["BLOCK"].name == "fp16"
    assert Signature.from_json(sig.to_json()) == sig


def test_fixed_values_from_autotune_configs_may_be_left_out():
    sig = parse("*fp32:16, *fp32:16, *fp32:16, i32", fixed={"BLOCK": 256})
    assert sig.constexprs == {"BLOCK": 256}
    assert sig.text.endswith("i32, 256")


@pytest.mark.parametrize("text,needle", [
    ("*fp32, *fp32, i32, 1024", "has 4 item(s), the kernel takes 5"),
    ("*fp32, *fp33, *fp32, i32, 1024", "argument 1 (y_ptr): unknown type '*fp33'"),
    ("*fp32, *fp32, *fp32, i32:8, 1024", "argument 3 (n): hint '8' after ':' must be 1 or 16"),
    ("*fp32:1, *fp32, *fp32, i32, 1024", "a pointer cannot be specialized to the value 1"),
    ("*fp32, *fp32, *fp32, i32, i32", "BLOCK is a tl.constexpr: give its value"),
    ("*fp32, *fp32, *fp32, i32, tl.nothing", "unknown type 'tl.nothing'"),
    ("*fp32, , *fp32, i32, 4", "argument 1 (y_ptr): empty item"),
    ('*fp32, *fp32, *fp32, i32, "open', "unterminated string"),
])
def test_errors_name_the_kernel_and_argument(text, needle):
    with pytest.raises(SignatureError) as info:
        parse(text)
    assert needle in str(info.value)
    assert "kernel add" in str(info.value) or "unterminated" in needle


def test_unknown_config_key():
    with pytest.raises(SignatureError, match="config sets BLOCK_Q, which are not arguments"):
        parse("*fp32, *fp32, *fp32, i32", fixed={"BLOCK_Q": 1})
