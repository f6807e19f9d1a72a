"""Lowerings of individual `tt` ops for `tt-to-linalg` (registered with `@lowering`).

Pointers become `!llvm.ptr`; memory ops loop over elements with masks as `scf.if`.
"""

from __future__ import annotations

from mlir import ir

from flagtree.mlir.passes.tt_to_linalg.helpers import (
    element_loop,
    flatten,
    index_loops,
    reshape,
    unflatten,
)
from flagtree.mlir.passes.tt_to_linalg import fusion, structured
from flagtree.mlir.passes.tt_to_linalg.translator import Translator, lowering
from flagtree.mlir.passes.tt_to_linalg.types import (
    LoweringError,
    element_type,
    is_ptr,
    pointee,
    elem_text,
    pointee_size,
    tensor_info,
    tensor_text,
    type_text,
)


def _zero(t: str) -> str:
    if t.startswith("f") or t.startswith("bf"):
        return "0.000000e+00"
    return "0"


def _bind(tr: Translator, op: ir.Operation, name: str, index: int = 0) -> None:
    tr.e.bind(op.results[index], name)


# -- functions and program ids ------------------------------------------------


@lowering("tt.return")
def _return(tr: Translator, op: ir.Operation) -> None:
    vals = [tr.e.get(v) for v in op.operands]
    if vals:
        types = ", ".join(type_text(v.type) for v in op.operands)
        tr.e.op(f"func.return {', '.join(vals)} : {types}", results=0)
    else:
        tr.e.op("func.return", results=0)


@lowering("tt.call")
def _call(tr: Translator, op: ir.Operation) -> None:
    e = tr.e
    callee = str(op.attributes["callee"])
    args = [e.get(v) for v in op.operands] + [tr.grid[g] for g in tr.grid]
    in_types = [type_text(v.type) for v in op.operands] + ["i32"] * len(tr.grid)
    out_types = [type_text(r.type) for r in op.results]
    text = f"func.call {callee}({', '.join(args)}) : ({', '.join(in_types)}) -> ({', '.join(out_types)})"
    name = e.op(text, "call", results=len(out_types))
    for k, r in enumerate(op.results):
        e.bind(r, name if len(out_types) == 1 else f"{name}#{k}")


_AXES = {"0": "x", "1": "y", "2": "z"}


def _axis(op: ir.Operation) -> str:
    return _AXES[str(op.attributes["axis"]).split(":")[0].strip()]


@lowering("tt.get_program_id")
def _program_id(tr: Translator, op: ir.Operation) -> None:
    tr.e.bind(op.results[0], tr.grid[f"pid_{_axis(op)}"])


@lowering("tt.get_num_programs")
def _num_programs(tr: Translator, op: ir.Operation) -> None:
    tr.e.bind(op.results[0], tr.grid[f"num_{_axis(op)}"])


# -- shapes ----------------------------------------------------------------------


@lowering("tt.make_range")
def _make_range(tr: Translator, op: ir.Operation) -> None:
    start = int(str(op.attributes["start"]).split(":")[0])
    end = int(str(op.attributes["end"]).split(":")[0])
    values = ", ".join(str(v) for v in range(start, end))
    t = type_text(op.results[0].type)
    _bind(tr, op, tr.e.const(f"dense<[{values}]>", t))


@lowering("tt.splat")
def _splat(tr: Translator, op: ir.Operation) -> None:
    e = tr.e
    src = op.operands[0]
    out = type_text(op.results[0].type)
    if tensor_info(src.type):  # splat of a tensor is a broadcast of a 1-element tensor
        _broadcast(tr, op)
        return
    value, vtype = e.get(src), type_text(src.type)
    if is_ptr(src.type):
        value, vtype = e.op(f"llvm.ptrtoint {value} : !llvm.ptr to i64", "addr"), "i64"
    elif vtype == "i1":
        value, vtype = tr.to_element(value, src.type), "i8"
    empty = e.empty(out)
    _bind(tr, op, e.op(f"linalg.fill ins({value} : {vtype}) outs({empty} : {out}) -> {out}",
                       "splat"))


@lowering("tt.broadcast")
def _broadcast(tr: Translator, op: ir.Operation) -> None:
    e = tr.e
    src, res = tensor_info(op.operands[0].type), tensor_info(op.results[0].type)
    elem = elem_text(res.element)
    rank = len(res.shape)
    dims = ", ".join(f"d{i}" for i in range(rank))
    src_dims = [("0" if s == 1 and r != 1 else f"d{i}") for i, (s, r) in
                enumerate(zip(src.shape, res.shape))]
    out = tensor_text(res.shape, elem)
    empty = e.empty(out)
    iters = ", ".join(['"parallel"'] * rank)
    with e.block(
        f"{(name := e.fresh('bcast'))} = linalg.generic {{indexing_maps = "
        f"[affine_map<({dims}) -> ({', '.join(src_dims)})>, affine_map<({dims}) -> ({dims})>], "
        f"iterator_types = [{iters}]}} ins({e.get(op.operands[0])} : {type_text(op.operands[0].type)}) "
        f"outs({empty} : {out}) {{",
        "} -> " + out + " " + e.loc,
    ):
        with e.dedent():
            e.line(f"^bb0(%in: {elem}, %out: {elem}):")
        e.line("linalg.yield %in : " + elem)
    _bind(tr, op, name)


@lowering("tt.expand_dims", "tt.reshape")
def _reshape(tr: Translator, op: ir.Operation) -> None:
    src, res = tensor_info(op.operands[0].type), tensor_info(op.results[0].type)
    _bind(tr, op, reshape(tr.e, tr.e.get(op.operands[0]), src.shape, res.shape,
                          elem_text(res.element)))


@lowering("tt.unsplat")
def _unsplat(tr: Translator, op: ir.Operation) -> None:
    e = tr.e
    src = tensor_info(op.operands[0].type)
    c0 = e.index(0)
    idx = ", ".join([c0] * len(src.shape))
    _bind(tr, op, e.op(f"tensor.extract {e.get(op.operands[0])}[{idx}] : "
                       f"{type_text(op.operands[0].type)}", "x"))


@lowering("tt.trans")
def _trans(tr: Translator, op: ir.Operation) -> None:
    e = tr.e
    order = str(op.attributes["order"]).split(":", 1)[1].rstrip(">").strip()
    out = type_text(op.results[0].type)
    empty = e.empty(out)
    _bind(tr, op, e.op(f"linalg.transpose ins({e.get(op.operands[0])} : "
                       f"{type_text(op.operands[0].type)}) outs({empty} : {out}) "
                       f"permutation = [{order}]", "t"))


@lowering("tt.cat")
def _cat(tr: Translator, op: ir.Operation) -> None:
    e = tr.e
    lhs = tensor_info(op.operands[0].type)
    res = tensor_info(op.results[0].type)
    out = type_text(op.results[0].type)
    in_t = type_text(op.operands[0].type)
    # Both operands are viewed flat and written one after the other.
    n = lhs.numel
    elem = elem_text(res.element)
    flat_t = tensor_text((2 * n,), elem)
    acc = e.empty(flat_t)
    for k, v in enumerate(op.operands):
        src = flatten(e, e.get(v), lhs.shape, elem)
        acc = e.op(f"tensor.insert_slice {src} into {acc}[{k * n}] [{n}] [1] : "
                   f"{tensor_text((n,), elem)} into {flat_t}", "cat")
    del in_t, out
    _bind(tr, op, unflatten(e, acc, res.shape, elem))


@lowering("tt.join")
def _join(tr: Translator, op: ir.Operation) -> None:
    """result[..., k] = (lhs, rhs)[k], element by element (no strided slice copies)."""
    e = tr.e
    res = tensor_info(op.results[0].type)
    out = type_text(op.results[0].type)
    in_t = type_text(op.operands[0].type)
    srcs = [e.get(v) for v in op.operands]

    def body(indices: list[str], acc: str) -> str:
        inner = ", ".join(indices[:-1])
        k = indices[-1]
        a = e.op(f"tensor.extract {srcs[0]}[{inner}] : {in_t}", "a")
        b = e.op(f"tensor.extract {srcs[1]}[{inner}] : {in_t}", "b")
        first = e.op(f"arith.cmpi eq, {k}, {e.index(0)} : index", "k0")
        v = e.op(f"arith.select {first}, {a}, {b} : {elem_text(res.element)}", "v")
        return e.op(f"tensor.insert {v} into {acc}[{', '.join(indices)}] : {out}", "ins")

    _bind(tr, op, index_loops(e, res.shape, body, (e.empty(out), out)))


@lowering("tt.split")
def _split(tr: Translator, op: ir.Operation) -> None:
    """Each half `src[..., k]` as its own tile (no strided slice copies)."""
    e = tr.e
    src = tensor_info(op.operands[0].type)
    out = type_text(op.results[0].type)
    src_t = type_text(op.operands[0].type)
    for k in range(2):
        def body(indices: list[str], acc: str, k=k) -> str:
            x = e.op(f"tensor.extract {e.get(op.operands[0])}[{', '.join(indices)}, {e.index(k)}] "
                     f": {src_t}", "x")
            return e.op(f"tensor.insert {x} into {acc}[{', '.join(indices)}] : {out}", "ins")

        _bind(tr, op, index_loops(e, src.shape[:-1], body, (e.empty(out), out)), k)


# -- elementwise -------------------------------------------------------------------


def _elementwise_body(tr: Translator, op: ir.Operation, body) -> None:
    """A linalg.generic over op's tensor operands whose scalar body `body(args)` returns
    (value text, ...) lines; scalars operands are used as-is inside the body."""
    e = tr.e
    res = tensor_info(op.results[0].type)
    if res is None:
        vals = [e.get(v) for v in op.operands]
        _bind(tr, op, body(vals))
        return
    rank = len(res.shape)
    dims = ", ".join(f"d{i}" for i in range(rank))
    ident = f"affine_map<({dims}) -> ({dims})>"
    ins = list(op.operands)
    out = type_text(op.results[0].type)
    empty = tr.destination(ins, out)
    name = e.fresh("ew")
    in_list = ", ".join(e.get(v) for v in ins)
    in_types = ", ".join(type_text(v.type) for v in ins)
    scalar_map = f"affine_map<({dims}) -> ()>"
    maps = ", ".join([ident if tensor_info(v.type) else scalar_map for v in ins] + [ident])
    iters = ", ".join(['"parallel"'] * rank)
    header = (f"{name} = linalg.generic {{indexing_maps = [{maps}], iterator_types = [{iters}]}} "
              f"ins({in_list} : {in_types}) outs({empty} : {out}) {{")
    with e.block(header, "} -> " + out + " " + e.loc):
        args = [e.fresh("s") for _ in ins]
        sig = ", ".join(f"{a}: {elem_text(element_type(v.type)) if tensor_info(v.type) else type_text(v.type)}"
                        for a, v in zip(args, ins))
        with e.dedent():
            e.line(f"^bb0({sig}, %out: {elem_text(res.element)}):")
        value = body(args)
        e.line(f"linalg.yield {value} : {elem_text(res.element)}")
    _bind(tr, op, name)


@lowering("tt.addptr")
def _addptr(tr: Translator, op: ir.Operation) -> None:
    """Scalar pointers step with a GEP; tensors of pointers are i64 addresses."""
    e = tr.e
    ptr_t = element_type(op.operands[0].type)
    off_t = str(element_type(op.operands[1].type))
    if tensor_info(op.results[0].type) is None:
        elem = pointee(ptr_t) if not pointee(ptr_t).startswith("!tt.ptr") else "!llvm.ptr"
        _bind(tr, op, e.op(f"llvm.getelementptr {e.get(op.operands[0])}[{e.get(op.operands[1])}] "
                           f": (!llvm.ptr, {off_t}) -> !llvm.ptr, {elem}", "gep"))
        return
    size = pointee_size(ptr_t)

    def body(args):
        off = args[1]
        if off_t != "i64":
            off = e.op(f"arith.extsi {off} : {off_t} to i64", "off")
        scaled = e.op(f"arith.muli {off}, {e.const(str(size), 'i64')} : i64", "bytes")
        return e.op(f"arith.addi {args[0]}, {scaled} : i64", "addr")

    _elementwise_body(tr, op, body)


def _ptr_int_cast(tr: Translator, op: ir.Operation, to_ptr: bool) -> None:
    """Pointer <-> i64: free on tensors (already addresses), an LLVM cast on scalars."""
    e = tr.e
    src = op.operands[0]
    if tensor_info(src.type) is not None:
        e.bind(op.results[0], e.get(src))
        return
    if to_ptr:
        _bind(tr, op, e.op(f"llvm.inttoptr {e.get(src)} : {src.type} to !llvm.ptr", "p"))
    else:
        dst = str(op.results[0].type)
        _bind(tr, op, e.op(f"llvm.ptrtoint {e.get(src)} : !llvm.ptr to {dst}", "i"))


@lowering("tt.int_to_ptr")
def _int_to_ptr(tr: Translator, op: ir.Operation) -> None:
    _ptr_int_cast(tr, op, to_ptr=True)


@lowering("tt.ptr_to_int")
def _ptr_to_int(tr: Translator, op: ir.Operation) -> None:
    _ptr_int_cast(tr, op, to_ptr=False)


@lowering("tt.bitcast")
def _bitcast(tr: Translator, op: ir.Operation) -> None:
    src, dst = element_type(op.operands[0].type), element_type(op.results[0].type)
    if is_ptr(src) and is_ptr(dst):
        tr.e.bind(op.results[0], tr.e.get(op.operands[0]))
        return
    if is_ptr(src) or is_ptr(dst):
        _ptr_int_cast(tr, op, to_ptr=is_ptr(dst))
        return
    _elementwise_body(tr, op, lambda a: tr.e.op(f"arith.bitcast {a[0]} : {src} to {dst}", "b"))


@lowering("tt.fp_to_fp")
def _fp_to_fp(tr: Translator, op: ir.Operation) -> None:
    src, dst = element_type(op.operands[0].type), element_type(op.results[0].type)
    toward_zero = ("rounding" in op.attributes
                   and str(op.attributes["rounding"]).split(":")[0].strip() == "0")
    _elementwise_body(tr, op, lambda a: convert_float(tr.e, a[0], str(src), str(dst),
                                                      toward_zero))


def convert_float(e, x: str, src: str, dst: str, toward_zero: bool = False) -> str:
    """Float conversion with Triton's semantics on LLVM's CPU support: same-width pairs
    (f16<->bf16) and f64->f16/bf16 go through f32 (LLVM has no direct or libcall-free
    path); round-toward-zero narrows with round-to-nearest, then steps back one ulp
    toward zero where that rounded away."""
    if src == dst:
        return x
    ws, wd = _float_width_text(src), _float_width_text(dst)
    if wd > ws:
        return e.op(f"arith.extf {x} : {src} to {dst}", "f")
    if ws == wd or (ws == 64 and wd == 16):
        x = convert_float(e, x, src, "f32", toward_zero) if ws == 64 else \
            e.op(f"arith.extf {x} : {src} to f32", "f")
        src = "f32"
    y = e.op(f"arith.truncf {x} : {src} to {dst}", "f")
    if not toward_zero:
        return y
    back = e.op(f"arith.extf {y} : {dst} to {src}", "f")
    ab = e.op(f"math.absf {back} : {src}", "f")
    ax = e.op(f"math.absf {x} : {src}", "f")
    away = e.op(f"arith.cmpf ogt, {ab}, {ax} : {src}", "away")
    it = f"i{wd}"
    bits = e.op(f"arith.bitcast {y} : {dst} to {it}", "bits")
    down = e.op(f"arith.subi {bits}, {e.const('1', it)} : {it}", "bits")
    stepped = e.op(f"arith.bitcast {down} : {it} to {dst}", "f")
    return e.op(f"arith.select {away}, {stepped}, {y} : {dst}", "f")


def _float_width_text(t: str) -> int:
    return {"f16": 16, "bf16": 16, "f32": 32, "f64": 64}.get(t, 8)


@lowering("tt.clampf")
def _clampf(tr: Translator, op: ir.Operation) -> None:
    t = str(element_type(op.results[0].type))
    nan = str(op.attributes["propagateNan"]).split(":")[0].strip() != "0"
    mx, mn = ("arith.maximumf", "arith.minimumf") if nan else ("arith.maxnumf", "arith.minnumf")

    def body(a):
        lo = tr.e.op(f"{mx} {a[0]}, {a[1]} : {t}", "f")
        return tr.e.op(f"{mn} {lo}, {a[2]} : {t}", "f")

    _elementwise_body(tr, op, body)


@lowering("tt.precise_sqrt")
def _sqrt(tr: Translator, op: ir.Operation) -> None:
    t = str(element_type(op.results[0].type))
    _elementwise_body(tr, op, lambda a: tr.e.op(f"math.sqrt {a[0]} : {t}", "f"))


@lowering("tt.precise_divf", "tt.approx_divf")
def _divf(tr: Translator, op: ir.Operation) -> None:
    t = str(element_type(op.results[0].type))
    _elementwise_body(tr, op, lambda a: tr.e.op(f"arith.divf {a[0]}, {a[1]} : {t}", "f"))


@lowering("tt.mulhiui")
def _mulhiui(tr: Translator, op: ir.Operation) -> None:
    t = str(element_type(op.results[0].type))

    def body(a):
        both = tr.e.op(f"arith.mului_extended {a[0]}, {a[1]} : {t}", "m", results=2)
        return f"{both}#1"

    _elementwise_body(tr, op, body)


# libdevice-style names (`__nv_expf`, `exp`, ...) that map onto the math dialect.
_EXTERN_MATH = {
    "exp": "math.exp", "exp2": "math.exp2", "expm1": "math.expm1", "log": "math.log",
    "log2": "math.log2", "log10": "math.log10", "log1p": "math.log1p", "sqrt": "math.sqrt",
    "rsqrt": "math.rsqrt", "sin": "math.sin", "cos": "math.cos", "tan": "math.tan",
    "tanh": "math.tanh", "sinh": "math.sinh", "cosh": "math.cosh", "asin": "math.asin",
    "acos": "math.acos", "atan": "math.atan", "atan2": "math.atan2", "asinh": "math.asinh",
    "acosh": "math.acosh", "atanh": "math.atanh", "erf": "math.erf", "erfc": "math.erfc",
    "floor": "math.floor", "ceil": "math.ceil", "trunc": "math.trunc", "round": "math.round",
    "rint": "math.roundeven", "nearbyint": "math.roundeven", "fabs": "math.absf",
    "pow": "math.powf", "cbrt": "math.cbrt", "fma": "math.fma", "copysign": "math.copysign",
    "fmax": "arith.maxnumf", "fmin": "arith.minnumf", "isnan": None, "isinf": None,
}


# libdevice functions computed with arith ops: name -> (emit(e, args, type, result type)).
def _isnan(e, a, t, rt):
    return e.op(f"arith.extui {e.op(f'arith.cmpf uno, {a[0]}, {a[0]} : {t}', 'c')} : i1 to {rt}", "r")


def _isinf(e, a, t, rt):
    ab = e.op(f"math.absf {a[0]} : {t}", "f")
    inf = e.const("0x7F800000" if t == "f32" else "0x7FF0000000000000", t)
    return e.op(f"arith.extui {e.op(f'arith.cmpf oeq, {ab}, {inf} : {t}', 'c')} : i1 to {rt}", "r")


def _signbit(e, a, t, rt):
    w = 32 if t == "f32" else 64
    bits = e.op(f"arith.bitcast {a[0]} : {t} to i{w}", "b")
    sign = e.op(f"arith.shrui {bits}, {e.const(str(w - 1), f'i{w}')} : i{w}", "s")
    return sign if f"i{w}" == rt else e.op(f"arith.trunci {sign} : i{w} to {rt}", "r")


def _fdim(e, a, t, rt):
    d = e.op(f"arith.subf {a[0]}, {a[1]} : {t}", "d")
    return e.op(f"arith.maxnumf {d}, {e.const('0.000000e+00', t)} : {t}", "r")


def _div_rz(e, a, t, rt):
    wide = [e.op(f"arith.extf {x} : {t} to f64", "w") for x in a] if t == "f32" else a
    q = e.op(f"arith.divf {wide[0]}, {wide[1]} : f64", "q")
    return convert_float(e, q, "f64", t, toward_zero=True) if t == "f32" else q


def _erfinv(e, a, t, rt):
    """Single-precision inverse erf (M. Giles' two-branch polynomial, ~4e-7 relative)."""
    if t != "f32":
        raise LoweringError("erfinv is only implemented for f32 on the CPU")
    x = a[0]

    def c(v):
        return e.const(repr(float(v)), "f32")

    one = c(1.0)
    w = e.op(f"arith.mulf {e.op(f'arith.subf {one}, {x} : f32', 'w')}, "
             f"{e.op(f'arith.addf {one}, {x} : f32', 'w')} : f32", "w")
    w = e.op(f"arith.negf {e.op(f'math.log {w} : f32', 'w')} : f32", "w")

    def poly(z, coefs):
        p = c(coefs[0])
        for k in coefs[1:]:
            p = e.op(f"arith.addf {c(k)}, {e.op(f'arith.mulf {p}, {z} : f32', 'p')} : f32", "p")
        return p

    small = poly(e.op(f"arith.subf {w}, {c(2.5)} : f32", "z"),
                 (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06,
                  0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941))
    big = poly(e.op(f"arith.subf {e.op(f'math.sqrt {w} : f32', 's')}, {c(3.0)} : f32", "z"),
               (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
                -0.0076224613, 0.00943887047, 1.00167406, 2.83297682))
    use_small = e.op(f"arith.cmpf olt, {w}, {c(5.0)} : f32", "b")
    p = e.op(f"arith.select {use_small}, {small}, {big} : f32", "p")
    return e.op(f"arith.mulf {p}, {x} : f32", "r")


_EXTERN_ARITH = {
    "erfinv": _erfinv, "fast_fdivide": lambda e, a, t, rt: e.op(
        f"arith.divf {a[0]}, {a[1]} : {t}", "r"),
    "fdiv_rn": lambda e, a, t, rt: e.op(f"arith.divf {a[0]}, {a[1]} : {t}", "r"),
    "fdiv_rz": _div_rz,
    "isnan": _isnan, "isinf": _isinf, "signbit": _signbit, "fdim": _fdim,
    "fmod": lambda e, a, t, rt: e.op(f"arith.remf {a[0]}, {a[1]} : {t}", "r"),
    "fast_dividef": lambda e, a, t, rt: e.op(f"arith.divf {a[0]}, {a[1]} : {t}", "r"),
    "div_rn": lambda e, a, t, rt: e.op(f"arith.divf {a[0]}, {a[1]} : {t}", "r"),
    "div_rz": _div_rz,
}
# Functions the C math library provides (called by their libm name, `f` suffix for f32).
_EXTERN_LIBM = {"lgamma", "tgamma", "hypot", "nextafter", "ilogb", "logb", "remainder",
                "j0", "j1", "y0", "y1", "erfcx"}


@lowering("tt.extern_elementwise")
def _extern(tr: Translator, op: ir.Operation) -> None:
    symbol = str(op.attributes["symbol"]).strip('"')
    base = symbol.removeprefix("__nv_").removeprefix("__ocml_")
    arg_t = str(element_type(op.operands[0].type))
    res_t = str(element_type(op.results[0].type))
    for suffix in ("_f32", "_f64", "f", ""):
        key = base[: -len(suffix)] if suffix and base.endswith(suffix) else base
        if _EXTERN_MATH.get(key):
            math_op = _EXTERN_MATH[key]
            _elementwise_body(tr, op, lambda a: tr.e.op(f"{math_op} {', '.join(a)} : {res_t}", "f"))
            return
        if key in _EXTERN_ARITH:
            fn = _EXTERN_ARITH[key]
            _elementwise_body(tr, op, lambda a: fn(tr.e, a, arg_t, res_t))
            return
        if key in _EXTERN_LIBM and arg_t in ("f32", "f64"):
            name = key + ("f" if arg_t == "f32" else "")
            ins = [str(element_type(v.type)) for v in op.operands]
            tr.declare(name, ins, res_t)
            _elementwise_body(tr, op, lambda a: tr.e.op(
                f"func.call @{name}({', '.join(a)}) : ({', '.join(ins)}) -> {res_t}", "f"))
            return
    raise LoweringError(f"external function '{symbol}' has no CPU implementation", op)


# -- memory ------------------------------------------------------------------------


def _guarded_load(e, ptr: str, mask: str | None, elem: str, volatile: str, fallback) -> str:
    """`load(ptr)`, or `mask ? load(ptr) : fallback()` with the fallback value emitted in the
    else branch only (masked-off lanes are never read)."""
    if mask is None:
        return e.op(f"llvm.load {volatile}{ptr} : !llvm.ptr -> {elem}", "ld")
    v = e.fresh("ld")
    with e.block(f"{v} = scf.if {mask} -> ({elem}) {{", "}"):
        loaded = e.op(f"llvm.load {volatile}{ptr} : !llvm.ptr -> {elem}", "ld")
        e.line(f"scf.yield {loaded} : {elem}")
        with e.dedent():
            e.line("} else {")
        e.line(f"scf.yield {fallback()} : {elem}")
    return v


def _extract_mask(e, masks: str, i: str, n: int) -> str:
    byte = e.op(f"tensor.extract {masks}[{i}] : {tensor_text((n,), 'i8')}", "mb")
    return e.op(f"arith.trunci {byte} : i8 to i1", "m")


def _extract_ptr(e, ptrs: str, i: str, n: int) -> str:
    addr = e.op(f"tensor.extract {ptrs}[{i}] : {tensor_text((n,), 'i64')}", "a")
    return e.op(f"llvm.inttoptr {addr} : i64 to !llvm.ptr", "p")


def _mask_and_other(op: ir.Operation, operands: list[ir.Value], first: int):
    mask = operands[first] if len(operands) > first else None
    other = operands[first + 1] if len(operands) > first + 1 else None
    return mask, other


def _element_address(tr: Translator, tile, indices: list[str]) -> str:
    """`base + const + sum(stride_k * index_k)` for one element of a structured tile."""
    e = tr.e
    off = structured.emit_value(tr, tile.offset, indices)
    elem = tile.elem
    return e.op(f"llvm.getelementptr {tile.base}[{off}] : (!llvm.ptr, i64) -> !llvm.ptr, {elem}",
                "p")


def _structured_load(tr: Translator, tile, res, elem: str, mask, other, volatile: str) -> str:
    """Per-element loads addressed from indices; a tile wholly inside its (affine) mask takes
    an unmasked copy of the loop nest."""
    e = tr.e
    full = (structured.emit_all_true(tr, tr.mask_tiles[mask], res.shape)
            if mask is not None and mask in tr.mask_tiles else None)
    if full is not None:
        out_t = tensor_text(res.shape, elem)
        name = e.fresh("ld")
        with e.block(f"{name} = scf.if {full} -> ({out_t}) {{", "}"):
            fast = _structured_load_nest(tr, tile, res, elem, None, None, volatile)
            e.line(f"scf.yield {fast} : {out_t}")
            with e.dedent():
                e.line("} else {")
            slow = _structured_load_nest(tr, tile, res, elem, mask, other, volatile)
            e.line(f"scf.yield {slow} : {out_t}")
        return name
    return _structured_load_nest(tr, tile, res, elem, mask, other, volatile)


def _structured_load_nest(tr: Translator, tile, res, elem: str, mask, other, volatile: str) -> str:
    e = tr.e
    out_t = tensor_text(res.shape, elem)
    mask_t = tensor_text(res.shape, "i8")
    zero = e.const(_zero(elem), elem) if mask is not None and other is None else None
    idx_text = lambda ix: ", ".join(ix)  # noqa: E731

    def body(indices: list[str], acc: str) -> str:
        p = _element_address(tr, tile, indices)
        m = _mask_at(tr, mask, indices, mask_t) if mask is not None else None
        v = _guarded_load(e, p, m, elem, volatile, lambda: (
            e.op(f"tensor.extract {e.get(other)}[{idx_text(indices)}] : {out_t}", "o")
            if other is not None else zero))
        return e.op(f"tensor.insert {v} into {acc}[{idx_text(indices)}] : {out_t}", "ins")

    return index_loops(e, res.shape, body, (e.empty(out_t), out_t))


def _structured_store(tr: Translator, tile, info, elem: str, val, mask) -> None:
    """Per-element stores addressed from indices, with the unmasked fast path of loads."""
    e = tr.e
    full = (structured.emit_all_true(tr, tr.mask_tiles[mask], info.shape)
            if mask is not None and mask in tr.mask_tiles else None)
    if full is not None:
        with e.block(f"scf.if {full} {{", "}"):
            # The whole tile is inside the mask: so are loads under the same mask.
            _structured_store_nest(tr, tile, info, elem, val, None, known_true=mask)
            with e.dedent():
                e.line("} else {")
            _structured_store_nest(tr, tile, info, elem, val, mask)
        return
    _structured_store_nest(tr, tile, info, elem, val, mask)


def _structured_store_nest(tr: Translator, tile, info, elem: str, val, mask,
                           known_true=None) -> None:
    e = tr.e
    mask_t = tensor_text(info.shape, "i8")

    inliner = fusion.Inliner(tr, tr.current_op, known_true)

    def body(indices: list[str], acc: None) -> None:
        p = _element_address(tr, tile, indices)
        v = tr.to_element(inliner.at(val, indices), element_type(val.type))
        if mask is None:
            e.op(f"llvm.store {v}, {p} : {elem}, !llvm.ptr", results=0)
            return
        m = _mask_at(tr, mask, indices, mask_t)
        with e.block(f"scf.if {m} {{", "}"):
            e.op(f"llvm.store {v}, {p} : {elem}, !llvm.ptr", results=0)

    index_loops(e, info.shape, body)


def _mask_at(tr: Translator, mask, indices: list[str], mask_t: str) -> str:
    """The i1 mask bit at `indices`: recomputed from its affine form when it has one (no
    mask tile in memory), else read from the mask tile."""
    e = tr.e
    if mask in tr.mask_tiles:
        return structured.emit_mask(tr, tr.mask_tiles[mask], indices)
    mb = e.op(f"tensor.extract {e.get(mask)}[{', '.join(indices)}] : {mask_t}", "mb")
    return e.op(f"arith.trunci {mb} : i8 to i1", "m")


@lowering("tt.load")
def _load(tr: Translator, op: ir.Operation) -> None:
    e = tr.e
    operands = list(op.operands)
    ptr, (mask, other) = operands[0], _mask_and_other(op, operands, 1)
    res = tensor_info(op.results[0].type)
    elem = elem_text(element_type(op.results[0].type))
    volatile = "volatile " if str(op.attributes["isVolatile"]) == "true" else ""
    if res is None:
        if mask is None:
            _bind(tr, op, e.op(f"llvm.load {volatile}{e.get(ptr)} : !llvm.ptr -> {elem}", "ld"))
            return
        fallback = e.get(other) if other is not None else e.const(_zero(elem), elem)
        _bind(tr, op, _guarded_load(e, e.get(ptr), e.get(mask), elem, volatile, lambda: fallback))
        return
    if ptr in tr.ptr_tiles:
        _bind(tr, op, _structured_load(tr, tr.ptr_tiles[ptr], res, elem, mask, other, volatile))
        return
    n = res.numel
    flat_t = tensor_text((n,), elem)
    ptrs = flatten(e, e.get(ptr), res.shape, "i64")
    masks = flatten(e, e.get(mask), res.shape, "i8") if mask is not None else None
    others = flatten(e, e.get(other), res.shape, elem) if other is not None else None
    zero = e.const(_zero(elem), elem) if mask is not None and other is None else None
    init = e.empty(flat_t)
    with element_loop(e, n, [(init, flat_t)]) as (i, (acc,)):
        p = _extract_ptr(e, ptrs, i, n)
        m = _extract_mask(e, masks, i, n) if masks is not None else None
        v = _guarded_load(e, p, m, elem, volatile, lambda: (
            e.op(f"tensor.extract {others}[{i}] : {flat_t}", "o") if others else zero))
        ins = e.op(f"tensor.insert {v} into {acc}[{i}] : {flat_t}", "ins")
        e.line(f"scf.yield {ins} : {flat_t}")
    _bind(tr, op, unflatten(e, e.last_loop, res.shape, elem))


@lowering("tt.store")
def _store(tr: Translator, op: ir.Operation) -> None:
    e = tr.e
    operands = list(op.operands)
    ptr, val = operands[0], operands[1]
    mask = operands[2] if len(operands) > 2 else None
    info = tensor_info(val.type)
    elem = elem_text(element_type(val.type))
    if info is None:
        if mask is None:
            e.op(f"llvm.store {e.get(val)}, {e.get(ptr)} : {elem}, !llvm.ptr", results=0)
        else:
            with e.block(f"scf.if {e.get(mask)} {{", "}"):
                e.op(f"llvm.store {e.get(val)}, {e.get(ptr)} : {elem}, !llvm.ptr", results=0)
        return
    if ptr in tr.ptr_tiles:
        _structured_store(tr, tr.ptr_tiles[ptr], info, elem, val, mask)
        return
    n = info.numel
    ptrs = flatten(e, e.get(ptr), info.shape, "i64")
    vals = flatten(e, e.get(val), info.shape, elem)
    masks = flatten(e, e.get(mask), info.shape, "i8") if mask is not None else None
    with element_loop(e, n) as (i, _):
        p = _extract_ptr(e, ptrs, i, n)
        v = e.op(f"tensor.extract {vals}[{i}] : {tensor_text((n,), elem)}", "v")
        if masks is None:
            e.op(f"llvm.store {v}, {p} : {elem}, !llvm.ptr", results=0)
        else:
            m = _extract_mask(e, masks, i, n)
            with e.block(f"scf.if {m} {{", "}"):
                e.op(f"llvm.store {v}, {p} : {elem}, !llvm.ptr", results=0)


_RMW = {"1": "_and", "2": "_or", "3": "_xor", "4": "add", "5": "fadd", "6": "max", "7": "min",
        "8": "umax", "9": "umin", "10": "xchg"}
_SEM = {"1": "monotonic", "2": "acquire", "3": "release", "4": "acq_rel"}
_FLOAT_RMW = {"max": "fmax", "min": "fmin"}


def _enum(op: ir.Operation, name: str) -> str:
    return str(op.attributes[name]).split(":")[0].strip()


@lowering("tt.atomic_rmw")
def _atomic_rmw(tr: Translator, op: ir.Operation) -> None:
    e = tr.e
    operands = list(op.operands)
    ptr, val = operands[0], operands[1]
    mask = operands[2] if len(operands) > 2 else None
    kind = _RMW[_enum(op, "atomic_rmw_op")]
    elem = elem_text(element_type(val.type))
    if elem.startswith("f") or elem.startswith("bf"):
        kind = _FLOAT_RMW.get(kind, kind)
        if kind == "add":
            kind = "fadd"
    order = _SEM[_enum(op, "sem")]

    helper = tr.intrinsic(f"rmw__{kind}__{order}__{elem}", ["!llvm.ptr", elem], elem)

    def call(p: str, v: str) -> str:
        return e.op(f"func.call @{helper}({p}, {v}) : (!llvm.ptr, {elem}) -> {elem}", "old")

    def rmw(p: str, v: str, m: str | None) -> str:
        if m is None:
            return call(p, v)
        name = e.fresh("old")
        with e.block(f"{name} = scf.if {m} -> ({elem}) {{", "}"):
            o = call(p, v)
            e.line(f"scf.yield {o} : {elem}")
            with e.dedent():
                e.line("} else {")
            e.line(f"scf.yield {e.const(_zero(elem), elem)} : {elem}")
        return name

    info = tensor_info(val.type)
    if info is None:
        _bind(tr, op, rmw(e.get(ptr), e.get(val), e.get(mask) if mask is not None else None))
        return
    n = info.numel
    flat_t = tensor_text((n,), elem)
    ptrs = flatten(e, e.get(ptr), info.shape, "i64")
    vals = flatten(e, e.get(val), info.shape, elem)
    masks = flatten(e, e.get(mask), info.shape, "i8") if mask is not None else None
    init = e.empty(flat_t)
    with element_loop(e, n, [(init, flat_t)]) as (i, (acc,)):
        p = _extract_ptr(e, ptrs, i, n)
        v = e.op(f"tensor.extract {vals}[{i}] : {flat_t}", "v")
        m = _extract_mask(e, masks, i, n) if masks else None
        old = rmw(p, v, m)
        e.line(f"scf.yield {e.op(f'tensor.insert {old} into {acc}[{i}] : {flat_t}', 'ins')} : {flat_t}")
    _bind(tr, op, unflatten(e, e.last_loop, info.shape, elem))


@lowering("tt.atomic_cas")
def _atomic_cas(tr: Translator, op: ir.Operation) -> None:
    e = tr.e
    ptr, cmp, val = op.operands
    elem = elem_text(element_type(val.type))
    order = _SEM[_enum(op, "sem")]
    failure = {"acq_rel": "acquire", "release": "monotonic"}.get(order, order)
    is_float = elem.startswith("f") or elem.startswith("bf")
    width = {"f16": 16, "bf16": 16, "f32": 32, "f64": 64}.get(elem, 0)
    itype = f"i{width}" if is_float else elem

    helper = tr.intrinsic(f"cas__{order}__{failure}__{itype}", ["!llvm.ptr", itype, itype], itype)

    def cas(p: str, c: str, v: str) -> str:
        if is_float:
            c = e.op(f"arith.bitcast {c} : {elem} to {itype}", "c")
            v = e.op(f"arith.bitcast {v} : {elem} to {itype}", "v")
        old = e.op(f"func.call @{helper}({p}, {c}, {v}) : (!llvm.ptr, {itype}, {itype}) -> {itype}",
                   "old")
        if is_float:
            old = e.op(f"arith.bitcast {old} : {itype} to {elem}", "old")
        return old

    info = tensor_info(val.type)
    if info is None:
        _bind(tr, op, cas(e.get(ptr), e.get(cmp), e.get(val)))
        return
    n = info.numel
    flat_t = tensor_text((n,), elem)
    ptrs = flatten(e, e.get(ptr), info.shape, "i64")
    cmps = flatten(e, e.get(cmp), info.shape, elem)
    vals = flatten(e, e.get(val), info.shape, elem)
    init = e.empty(flat_t)
    with element_loop(e, n, [(init, flat_t)]) as (i, (acc,)):
        p = _extract_ptr(e, ptrs, i, n)
        c = e.op(f"tensor.extract {cmps}[{i}] : {flat_t}", "c")
        v = e.op(f"tensor.extract {vals}[{i}] : {flat_t}", "v")
        old = cas(p, c, v)
        e.line(f"scf.yield {e.op(f'tensor.insert {old} into {acc}[{i}] : {flat_t}', 'ins')} : {flat_t}")
    _bind(tr, op, unflatten(e, e.last_loop, info.shape, elem))
