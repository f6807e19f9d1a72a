"""The ``Case`` record for corpus kernels and a helper that builds one.

Kernel modules import from here so that the package ``__init__`` can gather them without cycles.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flagtree.ttir import KernelSpec


@dataclass(frozen=True)
class Case:
    """One corpus entry: a kernel specialization and the op families its TTIR exercises."""

    name: str
    spec: KernelSpec
    families: frozenset[str]


def case(
    name: str,
    fn: Any,
    types: dict[str, str],
    consts: dict[str, Any] | None = None,
    families: Iterable[str] = (),
    div16: Iterable[str] = (),
    options: dict[str, Any] | None = None,
) -> Case:
    """Build a ``Case``.

    ``types`` gives the type of every runtime argument, ``consts`` the value of every
    ``tl.constexpr`` argument; the signature is laid out in the kernel's argument order.
    ``div16`` names arguments that get the ``tt.divisibility = 16`` attribute.
    """
    consts = dict(consts or {})
    arg_names = list(fn.arg_names)
    signature: dict[str, str] = {}
    for arg in arg_names:
        if arg in consts:
            signature[arg] = "constexpr"
        elif arg in types:
            signature[arg] = types[arg]
        else:
            raise ValueError(f"{name}: no type or constexpr value for argument {arg!r}")
    unknown = (set(types) | set(consts)) - set(arg_names)
    if unknown:
        raise ValueError(f"{name}: unknown arguments {sorted(unknown)}")
    attrs = None
    div16 = list(div16)
    if div16:
        attrs = {(arg_names.index(a),): [["tt.divisibility", 16]] for a in div16}
    spec = KernelSpec(fn, signature, consts, attrs, dict(options or {}))
    return Case(name, spec, frozenset(families))
