"""What a backend can compile: dtypes, atomics, dot shapes and dtypes, block sizes, hints, features.

Part of the backend interface (`flagtree.backend`); the conformance kit asks `missing(...)`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

# Triton's type strings (as in kernel signatures), every one a backend may declare.
KNOWN_DTYPES = (
    "i1", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64",
    "fp8e4nv", "fp8e5", "fp8e4b15", "fp8e4b8", "fp8e5b16",
    "fp16", "bf16", "fp32", "fp64",
)

# `tl.atomic_*` operations, by the name after `atomic_`.
KNOWN_ATOMICS = ("add", "max", "min", "and", "or", "xor", "xchg", "cas", "load", "store")

# Language features beyond plain loads, stores and elementwise math; one name per feature a
# conformance case (or a user) may need.
KNOWN_FEATURES = {
    "reduce": "tl.reduce / tl.sum / tl.max ... (custom combine functions included)",
    "scan": "tl.associative_scan / tl.cumsum",
    "gather": "tl.gather",
    "histogram": "tl.histogram",
    "sort": "tl.sort / tl.topk",
    "random": "tl.rand / tl.randn / tl.randint (Philox)",
    "libdevice": "tl.extra.libdevice math functions",
    "map_elementwise": "tl.map_elementwise",
    "device_print": "tl.device_print / print in kernels",
    "device_assert": "tl.device_assert / assert in kernels",
    "inline_asm": "tl.inline_asm_elementwise",
    "dot_scaled": "tl.dot_scaled (microscaling formats)",
    "batched_dot": "tl.dot on 3-D operands",
    "tensor_descriptors": "tl.make_tensor_descriptor and host-side TensorDescriptor",
    "block_pointers": "tl.make_block_ptr / tl.advance",
    "noinline_calls": "calls to @jit(noinline=True) functions",
    "int64_indexing": "pointer offsets beyond 2**31",
}

_HINT_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class CapabilityError(ValueError):
    """A capability declaration that flagtree cannot read (unknown kind, dtype, atomic, ...)."""


@dataclass(frozen=True)
class DotCapability:
    """What `tl.dot` supports.

    `dtypes`: (operand dtype, accumulator dtype) pairs, e.g. ("fp16", "fp32").
    `min_shape` / `max_shape`: bounds on (M, N, K) of one dot; None: no upper bound.
    """

    dtypes: frozenset[tuple[str, str]] = frozenset()
    min_shape: tuple[int, int, int] = (16, 16, 16)
    max_shape: tuple[int, int, int] | None = None

    def missing(self, operand: str, accumulator: str, shape: tuple[int, int, int] | None) -> list[str]:
        """Why a dot of `operand` -> `accumulator` of `shape` (M, N, K) is unsupported ([] if it is)."""
        reasons = []
        if (operand, accumulator) not in self.dtypes:
            reasons.append(f"dot {operand} -> {accumulator}")
        if shape is not None:
            if any(s < lo for s, lo in zip(shape, self.min_shape)):
                reasons.append(f"dot shape {shape} below the minimum {self.min_shape}")
            if self.max_shape is not None and any(s > hi for s, hi in zip(shape, self.max_shape)):
                reasons.append(f"dot shape {shape} above the maximum {self.max_shape}")
        return reasons


@dataclass(frozen=True)
class Capabilities:
    """Everything a backend declares it compiles correctly. The conformance kit reports a case
    that needs anything not declared here as "unsupported (declared)" instead of running it;
    a declared capability that fails is a failure.

    dtypes:             element types of kernel tensors and arguments (KNOWN_DTYPES).
    atomics:            `tl.atomic_*` operations (KNOWN_ATOMICS).
    atomic_dtypes:      element types the atomics accept.
    dot:                `tl.dot` operand/accumulator dtypes and shape bounds (None: no tl.dot).
    max_block_elements: the most elements one block (one tensor value) may hold.
    hints:              `#@hint:` names this backend honours (others are accepted and ignored).
    features:           language features beyond the basics (KNOWN_FEATURES).
    """

    dtypes: frozenset[str] = frozenset()
    atomics: frozenset[str] = frozenset()
    atomic_dtypes: frozenset[str] = frozenset()
    dot: DotCapability | None = None
    max_block_elements: int = 1 << 20
    hints: frozenset[str] = frozenset()
    features: frozenset[str] = frozenset()

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Capabilities:
        """Build from a plain mapping (e.g. a vendor's TOML); unknown kinds raise CapabilityError."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise CapabilityError(f"unknown capability kind(s) {', '.join(map(repr, unknown))} "
                                  f"(known: {', '.join(sorted(known))})")
        args = dict(data)
        for name in ("dtypes", "atomics", "atomic_dtypes", "hints", "features"):
            if name in args:
                args[name] = frozenset(_strings(name, args[name]))
        dot = args.get("dot")
        if isinstance(dot, Mapping):
            unknown = sorted(set(dot) - {"dtypes", "min_shape", "max_shape"})
            if unknown:
                raise CapabilityError(f"unknown dot capability kind(s) {unknown} "
                                      "(known: dtypes, min_shape, max_shape)")
            args["dot"] = DotCapability(
                dtypes=frozenset(tuple(p) for p in dot.get("dtypes", ())),
                min_shape=tuple(dot.get("min_shape", (16, 16, 16))),
                max_shape=tuple(dot["max_shape"]) if dot.get("max_shape") else None)
        caps = cls(**args)
        problems = caps.problems()
        if problems:
            raise CapabilityError("; ".join(problems))
        return caps

    def problems(self) -> list[str]:
        """What is wrong with this declaration ([] when flagtree understands all of it)."""
        out: list[str] = []
        out += _unknown("dtype", self.dtypes, KNOWN_DTYPES)
        out += _unknown("atomic", self.atomics, KNOWN_ATOMICS)
        out += _unknown("atomic dtype", self.atomic_dtypes, KNOWN_DTYPES)
        out += _unknown("feature", self.features, KNOWN_FEATURES)
        for name in ("dtypes", "atomics", "atomic_dtypes", "hints", "features"):
            value = getattr(self, name)
            if not isinstance(value, frozenset):
                out.append(f"capability '{name}' must be a frozenset of str, got {value!r}")
        out += [f"hint name {h!r} is not a lowercase identifier" for h in sorted(self.hints, key=str)
                if not isinstance(h, str) or not _HINT_NAME.match(h)]
        if not isinstance(self.max_block_elements, int) or self.max_block_elements < 1:
            out.append(f"max_block_elements must be a positive int, got {self.max_block_elements!r}")
        if self.dot is not None:
            if not isinstance(self.dot, DotCapability):
                out.append(f"capability 'dot' must be a DotCapability or None, got {self.dot!r}")
            else:
                for pair in self.dot.dtypes:
                    if not (isinstance(pair, tuple) and len(pair) == 2):
                        out.append(f"dot dtype entry {pair!r} is not an (operand, accumulator) pair")
                        continue
                    out += _unknown("dot dtype", set(pair), KNOWN_DTYPES)
                for label, shape in (("min_shape", self.dot.min_shape),
                                     ("max_shape", self.dot.max_shape)):
                    if shape is not None and not (len(shape) == 3
                                                  and all(isinstance(s, int) and s > 0 for s in shape)):
                        out.append(f"dot {label} must be three positive ints, got {shape!r}")
        return out

    def missing(self, *, dtypes: Iterable[str] = (), atomics: Iterable[str] = (),
                atomic_dtypes: Iterable[str] = (), dot: tuple | None = None,
                block_elements: int = 0, hints: Iterable[str] = (),
                features: Iterable[str] = ()) -> list[str]:
        """Why a case needing these is unsupported: one reason per capability not declared
        ([] when everything is). `dot` is (operand dtype, accumulator dtype[, (M, N, K)]).

        Requirements flagtree does not know raise CapabilityError (a typo in a case, not
        an unsupported feature)."""
        for label, wanted, known in (("dtype", dtypes, KNOWN_DTYPES),
                                     ("atomic", atomics, KNOWN_ATOMICS),
                                     ("atomic dtype", atomic_dtypes, KNOWN_DTYPES),
                                     ("feature", features, KNOWN_FEATURES)):
            bad = _unknown(label, set(wanted), known)
            if bad:
                raise CapabilityError("; ".join(bad))
        reasons = [f"dtype {d}" for d in _ordered(dtypes) if d not in self.dtypes]
        reasons += [f"atomic {a}" for a in _ordered(atomics) if a not in self.atomics]
        reasons += [f"atomic dtype {d}" for d in _ordered(atomic_dtypes)
                    if d not in self.atomic_dtypes]
        if dot is not None:
            if self.dot is None:
                reasons.append("tl.dot")
            else:
                shape = tuple(dot[2]) if len(dot) > 2 else None
                reasons += self.dot.missing(dot[0], dot[1], shape)
        if block_elements > self.max_block_elements:
            reasons.append(f"blocks of {block_elements} elements (max {self.max_block_elements})")
        reasons += [f"hint {h}" for h in _ordered(hints) if h not in self.hints]
        reasons += [f"feature {f}" for f in _ordered(features) if f not in self.features]
        return reasons

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view (sorted lists), for reports and `flagtree info --json`."""
        out: dict[str, Any] = {name: sorted(getattr(self, name)) for name in
                               ("dtypes", "atomics", "atomic_dtypes", "hints", "features")}
        out["max_block_elements"] = self.max_block_elements
        out["dot"] = None if self.dot is None else {
            "dtypes": sorted(list(p) for p in self.dot.dtypes),
            "min_shape": list(self.dot.min_shape),
            "max_shape": list(self.dot.max_shape) if self.dot.max_shape else None,
        }
        return out


def _strings(kind: str, value: Any) -> list[str]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise CapabilityError(f"capability '{kind}' must be a list of names, got {value!r}")
    return list(value)


def _unknown(label: str, values: Iterable[Any], known: Iterable[str]) -> list[str]:
    known = set(known)
    return [f"unknown {label} {v!r}" for v in sorted(values, key=str) if v not in known]


def _ordered(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
