"""Lowerings of elementwise `tt` ops: pointer arithmetic, casts (float conversions with
rounding modes), clamp/sqrt/div/mulhi and libdevice calls (math, arith or libm).
"""

from __future__ import annotations

from mlir import ir

from flagtree.mlir.passes.tt_to_linalg.common import _bind
from flagtree.mlir.passes.tt_to_linalg.translator import Translator, lowering
from flagtree.mlir.passes.tt_to_linalg.types import (
    LoweringError,
    elem_text,
    element_type,
    is_ptr,
    pointee,
    pointee_size,
    tensor_info,
    type_text,
)


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


def _isfinite(e, a, t, rt):
    ab = e.op(f"math.absf {a[0]} : {t}", "f")
    inf = e.const("0x7F800000" if t == "f32" else "0x7FF0000000000000", t)
    return e.op(f"arith.extui {e.op(f'arith.cmpf olt, {ab}, {inf} : {t}', 'c')} : i1 to {rt}", "r")


def _powi(e, a, t, rt):
    """x ** n for an i32 n (`__nv_powif`/`__nv_powi`): C's pow is exact for integral n."""
    n = e.op(f"arith.sitofp {a[1]} : i32 to {t}", "n")
    return e.op(f"math.powf {a[0]}, {n} : {t}", "r")


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
    "finite": _isfinite, "isfinite": _isfinite, "powi": _powi,
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
    for suffix in ("_f32", "_f64", "f", "", "d"):  # `d`: `__nv_isfinited`
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
