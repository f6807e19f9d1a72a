"""The core of `tt-to-linalg`: walks a TTIR module and emits the lowered module as text.

Non-`tt` ops (arith, math, scf, cf, ...) are cloned with converted types; `tt` ops dispatch
to the lowering functions registered in `ops.py`.
"""

from __future__ import annotations

from typing import Callable

from mlir import ir

from flagtree.mlir.passes.tt_to_linalg import structured
from flagtree.mlir.passes.tt_to_linalg.emitter import Emitter
from flagtree.mlir.passes.tt_to_linalg.types import (
    LoweringError,
    elem_text,
    element_type,
    tensor_info,
    type_text,
)

# Ops the buffer-deallocation passes cannot analyse (atomics) become calls to these
# declarations; `flagtree-define-intrinsics` gives them bodies after bufferization.
INTRINSIC_PREFIX = "__flagtree_"

# The trailing arguments every lowered function takes: program ids, then grid sizes.
GRID_ARGS = ("pid_x", "pid_y", "pid_z", "num_x", "num_y", "num_z")

Lowering = Callable[["Translator", ir.Operation], None]
LOWERINGS: dict[str, Lowering] = {}


def lowering(*names: str) -> Callable[[Lowering], Lowering]:
    """Register a lowering for the `tt` ops `names`."""

    def register(fn: Lowering) -> Lowering:
        for name in names:
            LOWERINGS[name] = fn
        return fn

    return register


def _uniform_step(tr: "Translator", value: ir.Value, arg: ir.Value):
    """The i64 element step when `value` is `tt.addptr(arg, uniform offset)`, else None."""
    owner = value.owner
    owner = owner.operation if isinstance(owner, ir.OpView) else owner
    if not isinstance(owner, ir.Operation) or owner.name != "tt.addptr":
        return None
    ptr, off = owner.operands
    if ptr != arg or off not in tr.affine or not tr.affine[off].uniform:
        return None
    return tr.affine[off].const


_INT_DIVISIONS = {"arith.divsi", "arith.divui", "arith.remsi", "arith.remui",
                  "arith.floordivsi", "arith.ceildivsi", "arith.ceildivui"}

_REASSOCIABLE = {"arith.addf", "arith.mulf", "arith.maximumf", "arith.minimumf",
                 "arith.maxnumf", "arith.minnumf"}


def _attr_dict(op: ir.Operation, skip: tuple[str, ...] = ()) -> str:
    items = [f"{a} = {op.attributes[a]}" for a in op.attributes if a not in skip]
    return "{" + ", ".join(items) + "}" if items else ""


class Translator:
    """Lowers one TTIR module; `grid` names the program-id and grid-size SSA values."""

    def __init__(self) -> None:
        self.e = Emitter()
        self.grid: dict[str, str] = {}
        self.blocks: list[tuple[ir.Block, str]] = []
        self.intrinsics: dict[str, tuple[list[str], str]] = {}
        self.externals: dict[str, tuple[list[str], str]] = {}
        # Module-level declarations added by lowerings (printf format strings, ...).
        self.module_lines: list[str] = []
        self.module_lines_once: set[str] = set()
        # Structured-access facts (see structured.py), keyed by TTIR values.
        self.affine: dict = {}
        self.ptr_tiles: dict = {}
        self.mask_tiles: dict = {}
        # Inside reduction combine regions: float ops may be reassociated (see lower_reductions).
        self.reassociate = False

    def declare(self, name: str, args: list[str], result: str) -> None:
        """Declare an external C function (e.g. from libm) the lowered code calls."""
        self.externals[name] = (args, result)

    def intrinsic(self, key: str, args: list[str], result: str) -> str:
        """Declare `@__flagtree_<key>` (defined late by `flagtree-define-intrinsics`)."""
        name = f"{INTRINSIC_PREFIX}{key}"
        self.intrinsics[name] = (args, result)
        return name

    # -- module and functions -------------------------------------------------
    def module(self, module: ir.Module) -> str:
        for op in module.body.operations:
            op = op.operation
            if op.name != "tt.func":
                raise LoweringError(f"unsupported top-level op '{op.name}'", op)
            self.function(op)
        for name, (args, result) in {**self.intrinsics, **self.externals}.items():
            self.e.line(f"func.func private @{name}({', '.join(args)}) -> {result}")
        for line in self.module_lines + sorted(self.module_lines_once):
            self.e.line(line)
        return "module {\n" + "\n".join(self.e.lines) + "\n}\n"

    def function(self, op: ir.Operation) -> None:
        e = self.e
        e.loc = str(op.location)
        name = str(op.attributes["sym_name"]).strip('"')
        ftype = ir.FunctionType(ir.TypeAttr(op.attributes["function_type"]).value)
        body = op.regions[0]
        if not body.blocks:
            raise LoweringError(f"function @{name} has no body", op)
        entry = body.blocks[0]
        args = []
        for i, arg in enumerate(entry.arguments):
            n = e.fresh("arg")
            e.bind(arg, n)
            args.append(f"{n}: {type_text(arg.type)}")
        self.grid = {g: e.fresh(g) for g in GRID_ARGS}
        args += [f"{self.grid[g]}: i32" for g in GRID_ARGS]
        results = ", ".join(type_text(t) for t in ftype.results)
        visibility = "private " if "sym_visibility" in op.attributes and "private" in str(
            op.attributes["sym_visibility"]) else ""
        header = f"func.func {visibility}@{name}({', '.join(args)})"
        if results:
            header += f" -> ({results})"
        with e.block(header + " {", "} " + str(op.location)):
            self.region_blocks(body, entry_args_bound=True)

    # -- regions and ops --------------------------------------------------------
    def label(self, block: ir.Block) -> str:
        for b, lbl in self.blocks:
            if b == block:
                return lbl
        lbl = self.e.fresh_block()
        self.blocks.append((block, lbl))
        return lbl

    def region_blocks(self, region: ir.Region, entry_args_bound: bool = False) -> None:
        e = self.e
        for i, block in enumerate(region.blocks):
            if i > 0 or not entry_args_bound:
                args = []
                for arg in block.arguments:
                    n = e.fresh("a")
                    e.bind(arg, n)
                    args.append(f"{n}: {type_text(arg.type)}")
                with e.dedent():
                    e.line(f"{self.label(block)}({', '.join(args)}):" if args else f"{self.label(block)}:")
            for op in block.operations:
                self.operation(op.operation)

    def operation(self, op: ir.Operation) -> None:
        for v in list(op.operands) + list(op.results):
            t = str(element_type(v.type))
            if t.startswith("f8") or t.startswith("!tt.ptr<f8"):
                raise LoweringError(
                    f"'{op.name}' uses {t}: fp8 types are not supported by the CPU backend yet "
                    "(upstream MLIR does not lower them to LLVM)", op)
        self.emit(op)
        structured.analyze(self, op)

    def emit(self, op: ir.Operation) -> None:
        self.current_op = op
        self.e.loc = str(op.location)
        if op.name.startswith("tt.") or op.name.startswith("ttg."):
            fn = LOWERINGS.get(op.name)
            if fn is None:
                raise LoweringError(f"'{op.name}' is not supported by this backend yet", op)
            fn(self, op)
            return
        if op.name == "arith.constant" and any(tensor_info(r.type) for r in op.results):
            self.tensor_constant(op)
            return
        if (op.name.split(".")[0] in ("arith", "math") and len(op.regions) == 0
                and any(tensor_info(r.type) for r in op.results)):
            self.elementwise(op)
            return
        if op.name == "scf.for" and self.structured_for(op):
            return
        if op.name in _INT_DIVISIONS:
            operands = [self.e.get(v) for v in op.operands]
            self.e.bind(op.results[0], self.safe_division(op, operands, str(op.results[0].type)))
            return
        self.clone(op)

    def structured_for(self, op: ir.Operation) -> bool:
        """Emit an scf.for whose pointer tiles advance by a uniform step each iteration
        (`a_ptrs += BLOCK_K * stride`) so loads through them stay structured: each such tile
        gets a scalar i64 iteration argument holding its accumulated offset. Returns False
        (having emitted nothing) when the loop has no such tile."""
        inits = list(op.operands)[3:]
        body = op.regions[0].blocks[0]
        args = list(body.arguments)[1:]
        candidates = [k for k, v in enumerate(inits) if v in self.ptr_tiles]
        if not candidates:
            return False
        e = self.e
        mark = (len(e.lines), dict(self.ptr_tiles), dict(self.affine), dict(self.mask_tiles))
        e.loc = str(op.location)
        zero = e.const("0", "i64")
        res = e.fresh("for")
        accs = {k: e.fresh("acc") for k in candidates}
        iv = e.fresh("iv")
        names = [e.fresh("it") for _ in args]
        n, m = len(inits), len(candidates)
        all_types = [type_text(v.type) for v in inits] + ["i64"] * m
        operand_names = [e.get(v) for v in op.operands]
        e.line(f'{res}:{n + m} = "scf.for"({", ".join(operand_names + [zero] * m)}) ({{')
        e._indent += 1
        block_args = [f"{iv}: {type_text(body.arguments[0].type)}"]
        block_args += [f"{nm}: {t}" for nm, t in zip(names, all_types[:n])]
        block_args += [f"{accs[k]}: i64" for k in candidates]
        with e.dedent():
            e.line(f"^bb0({', '.join(block_args)}):")
        e.bind(body.arguments[0], iv)
        for arg, nm in zip(args, names):
            e.bind(arg, nm)
        for k in candidates:
            tile = self.ptr_tiles[inits[k]]
            offset = structured.Affine(structured._emit_binary(self, "add", tile.offset.const,
                                                               accs[k]), tile.offset.strides)
            self.ptr_tiles[args[k]] = structured.PtrTile(tile.base, tile.elem, offset)
        ops = [o.operation for o in body.operations]
        for nested in ops[:-1]:
            self.operation(nested)
        terminator = ops[-1]
        new_accs = []
        for k in candidates:
            step = _uniform_step(self, terminator.operands[k], args[k])
            if step is None:  # not a uniform advance: undo and emit the loop as it is
                del e.lines[mark[0]:]
                e._indent -= 1
                self.ptr_tiles, self.affine, self.mask_tiles = mark[1], mark[2], mark[3]
                return False
            new_accs.append(structured._emit_binary(self, "add", accs[k], step))
        new_accs = [e.const(str(a), "i64") if isinstance(a, int) else a for a in new_accs]
        yields = [e.get(v) for v in terminator.operands] + new_accs
        e.line(f'"scf.yield"({", ".join(yields)}) : ({", ".join(all_types)}) -> ()')
        e._indent -= 1
        otypes = [type_text(v.type) for v in op.operands[:3]] + all_types
        e.line(f'}}) : ({", ".join(otypes)}) -> ({", ".join(all_types)}) {op.location}')
        for k, r in enumerate(op.results):
            e.bind(r, f"{res}#{k}")
        for j, k in enumerate(candidates):
            tile = self.ptr_tiles[inits[k]]
            final = structured._emit_binary(self, "add", tile.offset.const, f"{res}#{n + j}")
            self.ptr_tiles[op.results[k]] = structured.PtrTile(
                tile.base, tile.elem, structured.Affine(final, tile.offset.strides))
        return True

    def scalar_op(self, op: ir.Operation, scalars: list[str]) -> list[str]:
        """Emit arith/math `op` on scalar operands (its element types); return the results.
        Integer division never traps; half-precision math is computed in f32."""
        e = self.e
        ins = list(op.operands)
        in_types = ", ".join(str(element_type(v.type)) for v in ins)
        out_types = ", ".join(str(element_type(r.type)) for r in op.results)
        count = len(op.results)
        attrs = _attr_dict(op)
        if op.name in _INT_DIVISIONS:
            return [self.safe_division(op, scalars, out_types)]
        if op.name.startswith("math.") and out_types in ("f16", "bf16") and count == 1:
            # Computed in f32 and rounded once (LLVM would otherwise need compiler-rt or libm
            # variants the JIT does not have).
            wide = [e.op(f"arith.extf {x} : {out_types} to f32", "w")
                    if str(element_type(v.type)) == out_types else x for x, v in zip(scalars, ins)]
            wide_in = ", ".join("f32" if str(element_type(v.type)) == out_types
                                else str(element_type(v.type)) for v in ins)
            r = e.fresh("x")
            e.line(f'{r} = "{op.name}"({", ".join(wide)}) {attrs} : ({wide_in}) -> (f32) {e.loc}')
            return [e.op(f"arith.truncf {r} : f32 to {out_types}", "h")]
        r = e.fresh("x")
        rl = f"{r}:{count}" if count > 1 else r
        e.line(f'{rl} = "{op.name}"({", ".join(scalars)}) {attrs} : ({in_types}) -> '
               f'({out_types}) {e.loc}')
        return [r] if count == 1 else [f"{r}#{k}" for k in range(count)]

    def safe_division(self, op: ir.Operation, operands: list[str], t: str) -> str:
        """Integer division that never traps: x86 raises SIGFPE on a zero divisor (masked-off
        lanes hold zeros) and on INT_MIN / -1, where GPUs just produce a value. A zero
        divisor gives 0; a divisor of -1 gives -x (wrapping) for quotients, 0 for remainders."""
        e = self.e
        x, d = operands
        signed = op.name in ("arith.divsi", "arith.remsi", "arith.floordivsi", "arith.ceildivsi")
        zero, one = e.const("0", t), e.const("1", t)
        bad = e.op(f"arith.cmpi eq, {d}, {zero} : {t}", "dz")
        is_neg1 = None
        if signed:
            is_neg1 = e.op(f"arith.cmpi eq, {d}, {e.const('-1', t)} : {t}", "dn")
            bad = e.op(f"arith.ori {bad}, {is_neg1} : i1", "bad")
        safe = e.op(f"arith.select {bad}, {one}, {d} : {t}", "sd")
        r = e.op(f"{op.name} {x}, {safe} : {t}", "q")
        if is_neg1 is not None:
            fix = e.op(f"arith.subi {zero}, {x} : {t}", "neg") if "div" in op.name else zero
            r = e.op(f"arith.select {is_neg1}, {fix}, {r} : {t}", "q")
        is_zero = e.op(f"arith.cmpi eq, {d}, {zero} : {t}", "dz")
        return e.op(f"arith.select {is_zero}, {zero}, {r} : {t}", "q")

    # -- tensors of booleans and elementwise ops ------------------------------------
    def destination(self, inputs: list[ir.Value], out_type: str) -> str:
        """The `outs` of an elementwise generic: an input of the result's type when there is
        one (so loop-carried tiles bufferize in place), else a fresh `tensor.empty`."""
        for v in inputs:
            if type_text(v.type) == out_type:
                return self.e.get(v)
        return self.e.empty(out_type)

    def to_scalar(self, name: str, t: ir.Type) -> str:
        """A tensor element read back as its TTIR scalar type (i8 -> i1 for booleans)."""
        if str(t) == "i1":
            return self.e.op(f"arith.trunci {name} : i8 to i1", "b")
        return name

    def to_element(self, name: str, t: ir.Type) -> str:
        """A TTIR scalar stored into a tensor (i1 -> i8 for booleans)."""
        if str(t) == "i1":
            return self.e.op(f"arith.extui {name} : i1 to i8", "b")
        return name

    def tensor_constant(self, op: ir.Operation) -> None:
        e = self.e
        attr = op.attributes["value"]
        res = tensor_info(op.results[0].type)
        text = str(attr)
        if str(res.element) == "i1":
            if not ir.DenseElementsAttr(attr).is_splat:
                raise LoweringError("non-splat boolean tensor constants are not supported", op)
            one = text.startswith("dense<true>")
            text = f"dense<{1 if one else 0}> : {type_text(op.results[0].type)}"
        e.bind(op.results[0], e.op(f"arith.constant {text}", "cst"))

    def elementwise(self, op: ir.Operation) -> None:
        """An arith/math op on tensors as a linalg.generic applying the scalar op."""
        e = self.e
        res = tensor_info(op.results[0].type)
        rank = len(res.shape)
        dims = ", ".join(f"d{i}" for i in range(rank))
        ident = f"affine_map<({dims}) -> ({dims})>"
        ins = list(op.operands)
        outs = [type_text(r.type) for r in op.results]
        empties = [self.destination(ins, t) for t in outs]
        name = e.fresh("ew")
        lhs = f"{name}:{len(outs)}" if len(outs) > 1 else name
        # Scalar operands (e.g. the condition of a select over tiles) are broadcast.
        scalar_map = f"affine_map<({dims}) -> ()>"
        maps = ", ".join([ident if tensor_info(v.type) else scalar_map for v in ins]
                         + [ident] * len(outs))
        iters = ", ".join(['"parallel"'] * rank)
        header = (f"{lhs} = linalg.generic {{indexing_maps = [{maps}], iterator_types = [{iters}]}} "
                  f"ins({', '.join(e.get(v) for v in ins)} : {', '.join(type_text(v.type) for v in ins)}) "
                  f"outs({', '.join(empties)} : {', '.join(outs)}) {{")
        with e.block(header, "} -> " + ", ".join(outs) + " " + e.loc):
            args = [e.fresh("s") for _ in ins]
            outs_args = [e.fresh("o") for _ in outs]
            sig = [f"{a}: {elem_text(element_type(v.type)) if tensor_info(v.type) else type_text(v.type)}"
                   for a, v in zip(args, ins)]
            sig += [f"{a}: {elem_text(element_type(r.type))}" for a, r in zip(outs_args, op.results)]
            with e.dedent():
                e.line(f"^bb0({', '.join(sig)}):")
            scalars = [self.to_scalar(a, element_type(v.type)) if tensor_info(v.type) else a
                       for a, v in zip(args, ins)]
            results = self.scalar_op(op, scalars)
            stored = [self.to_element(v, element_type(res_.type)) for v, res_ in zip(results, op.results)]
            e.line(f"linalg.yield {', '.join(stored)} : {', '.join(elem_text(element_type(x.type)) for x in op.results)}")
        for k, r_ in enumerate(op.results):
            e.bind(r_, name if len(outs) == 1 else f"{name}#{k}")

    def clone(self, op: ir.Operation, name: str | None = None, skip_attrs: tuple[str, ...] = ()) -> None:
        """Emit `op` in generic form with converted types, its regions translated."""
        e = self.e
        operands = ", ".join(e.get(v) for v in op.operands)
        succ = ""
        if len(op.successors):
            succ = "[" + ", ".join(self.label(b) for b in op.successors) + "]"
        otypes = ", ".join(type_text(v.type) for v in op.operands)
        rtypes = ", ".join(type_text(r.type) for r in op.results)
        attrs = _attr_dict(op, skip_attrs)
        if self.reassociate and op.name in _REASSOCIABLE:
            attrs = _attr_dict(op, skip_attrs + ("fastmath",))
            fast = "fastmath = #arith.fastmath<reassoc,contract>"
            attrs = "{" + (attrs[1:-1] + ", " if attrs else "") + fast + "}"
        loc = str(op.location)
        res_names = [e.fresh("r") for _ in op.results]
        lhs = f"{', '.join(res_names)} = " if res_names else ""
        head = f'{lhs}"{name or op.name}"({operands}){succ}'
        tail = f"{attrs} : ({otypes}) -> ({rtypes}) {loc}"
        if len(op.regions) == 0:
            e.line(f"{head} {tail}")
        else:
            e.line(f"{head} ({{")
            for i, region in enumerate(op.regions):
                if i:
                    e.line("}, {")
                e._indent += 1
                self.region_blocks(region)
                e._indent -= 1
            e.line(f"}}) {tail}")
        for r, n in zip(op.results, res_names):
            e.bind(r, n)
