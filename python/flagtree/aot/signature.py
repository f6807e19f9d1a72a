"""Kernel signatures in Triton's `triton.tools.compile` notation: "*fp32:16, i32, 1024".

Positional, one item per kernel argument: a type with an optional hint after `:` (16: divisible
by 16, 1: equal to 1), or a constexpr value inline (int, float, True/False, None, "text",
tl.<dtype>). The archive and the loader keep the parsed form (`Signature.to_json`).
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flagtree.aot.errors import SignatureError

SCALAR_TYPES = ("i1", "i8", "i16", "i32", "i64", "u1", "u8", "u16", "u32", "u64", "fp8e4nv",
                "fp8e5", "fp8e4b15", "fp8e4b8", "fp8e5b16", "fp16", "bf16", "fp32", "fp64")
HINTS = (1, 16)
_DTYPE = re.compile(r"^tl\.([A-Za-z_][A-Za-z0-9_]*)$")


@dataclass(frozen=True)
class DType:
    """A `tl.<attr>` constexpr value; `name` is Triton's name for it (`tl.float32` -> "fp32")."""

    attr: str
    name: str

    def __str__(self) -> str:
        return f"tl.{self.attr}"

    def to_triton(self) -> Any:
        import triton.language as tl

        return getattr(tl, self.attr)


@dataclass(frozen=True)
class Param:
    """One kernel argument of a specialization: a runtime argument (`type`, `hint`) or a
    constexpr (`value`); `i32:1` is both: typed, and specialized to the value 1."""

    name: str
    type: str | None = None
    hint: int | None = None
    value: Any = None
    is_constexpr: bool = False

    def token(self) -> str:
        if self.type is None:
            return format_value(self.value)
        return f"{self.type}:{self.hint}" if self.hint else self.type

    def to_json(self) -> dict:
        out: dict[str, Any] = {"name": self.name}
        if self.type is not None:
            out["type"] = self.type
        if self.hint:
            out["hint"] = self.hint
        if self.is_constexpr:
            value = self.value
            out["constexpr"] = {"dtype": value.name} if isinstance(value, DType) else value
            out["literal"] = format_value(value)
        return out

    @staticmethod
    def from_json(data: dict) -> Param:
        value = None
        if "constexpr" in data:
            value = data["constexpr"]
            if isinstance(value, dict) and "dtype" in value:
                value = DType(data["literal"][3:], value["dtype"])
        return Param(data["name"], data.get("type"), data.get("hint"), value, "constexpr" in data)


@dataclass(frozen=True)
class Signature:
    """A kernel specialization: every argument in order (see `Param`)."""

    params: tuple[Param, ...]

    @property
    def text(self) -> str:
        return ", ".join(p.token() for p in self.params)

    @property
    def runtime(self) -> tuple[Param, ...]:
        """The arguments a launch passes to the binary (constexprs are compiled in)."""
        return tuple(p for p in self.params if not p.is_constexpr)

    @property
    def constexprs(self) -> dict[str, Any]:
        return {p.name: p.value for p in self.params if p.is_constexpr}

    def ast_inputs(self) -> tuple[dict, dict, dict]:
        """(signature, constexprs, attrs) for `triton.compiler.ASTSource`."""
        signature = {p.name: "constexpr" if p.is_constexpr else p.type for p in self.params}
        constexprs = {p.name: p.value.to_triton() if isinstance(p.value, DType) else p.value
                      for p in self.params if p.is_constexpr}
        attrs = {(i,): [["tt.divisibility", 16]] for i, p in enumerate(self.params)
                 if p.hint == 16}
        return signature, constexprs, attrs

    def to_json(self) -> list[dict]:
        return [p.to_json() for p in self.params]

    @staticmethod
    def from_json(data: Iterable[dict]) -> Signature:
        return Signature(tuple(Param.from_json(p) for p in data))


def format_value(value: Any) -> str:
    """The notation of a constexpr value (inverse of `parse_value`)."""
    if isinstance(value, DType) or value is None or isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    raise SignatureError(f"constexpr value {value!r} has no signature notation "
                         "(use int, float, bool, None, a string or tl.<dtype>)")


def parse_value(token: str) -> Any:
    """A constexpr literal -> its value; raises ValueError when `token` is not one."""
    match = _DTYPE.match(token)
    if match:
        import triton.language as tl

        value = getattr(tl, match.group(1), None)
        if not isinstance(value, tl.dtype):
            raise ValueError(f"{token} is not a triton.language dtype")
        return DType(match.group(1), value.name)
    value = ast.literal_eval(token)
    if value is not None and not isinstance(value, (bool, int, float, str)):
        raise ValueError(f"{token} is not a constexpr literal")
    return value


def split_items(text: str) -> list[str]:
    """Split on commas outside quotes; items are stripped."""
    items, current, quote = [], [], None
    for ch in text:
        if quote:
            current.append(ch)
            if ch == quote and (len(current) < 2 or current[-2] != "\\"):
                quote = None
        elif ch in "\"'":
            quote = ch
            current.append(ch)
        elif ch == ",":
            items.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    if quote:
        raise SignatureError(f"signature {text!r}: unterminated string")
    items.append("".join(current).strip())
    return items


def _parse_type(token: str) -> tuple[str, int | None]:
    ty, _, hint_text = token.partition(":")
    ty = ty.strip()
    base = ty.removeprefix("*")
    if ty.startswith("*k"):
        base = ty[2:]
    if base not in SCALAR_TYPES:
        raise ValueError(f"unknown type {ty!r} (expected a pointer '*<type>' or one of "
                         f"{', '.join(SCALAR_TYPES)}, or a constexpr value)")
    hint = None
    if hint_text:
        try:
            hint = int(hint_text)
        except ValueError:
            hint = None
        if hint not in HINTS:
            raise ValueError(f"hint {hint_text!r} after ':' must be 1 or 16")
        if hint == 1 and ty.startswith("*"):
            raise ValueError("a pointer cannot be specialized to the value 1")
    return ty, hint


def parse_signature(text: str, arg_names: list[str], *, kernel: str,
                    constexpr_names: Iterable[str] = (),
                    fixed: dict[str, Any] | None = None) -> Signature:
    """Parse `text` for a kernel with arguments `arg_names` (`constexpr_names` are declared
    `tl.constexpr`). `fixed` (autotune config values) may be left out of `text`."""
    fixed = dict(fixed or {})
    unknown = sorted(set(fixed) - set(arg_names))
    if unknown:
        raise SignatureError(f"kernel {kernel}: config sets {', '.join(unknown)}, which are not "
                             f"arguments of the kernel ({', '.join(arg_names)})")
    items = split_items(text) if text.strip() else []
    if len(items) == len(arg_names) - len(fixed):
        names = [n for n in arg_names if n not in fixed]
    elif len(items) == len(arg_names):
        names = list(arg_names)
    else:
        expected = len(arg_names) - len(fixed)
        want = f"{expected}" + (f" (or {len(arg_names)})" if fixed else "")
        raise SignatureError(f"kernel {kernel}: signature {text!r} has {len(items)} item(s), the "
                             f"kernel takes {want}: {', '.join(n for n in arg_names)}")
    tokens = dict(zip(names, items))
    constexpr_names = set(constexpr_names)
    params = []
    for index, name in enumerate(arg_names):
        where = f"kernel {kernel}: signature {text!r}: argument {index} ({name})"
        if name in fixed:
            params.append(Param(name, value=fixed[name], is_constexpr=True))
            continue
        token = tokens[name]
        if not token:
            raise SignatureError(f"{where}: empty item")
        try:
            ty, hint = _parse_type(token)
        except ValueError as type_error:
            try:
                value = parse_value(token)
            except (ValueError, SyntaxError):
                raise SignatureError(f"{where}: {type_error}") from None
            params.append(Param(name, value=value, is_constexpr=True))
            continue
        if name in constexpr_names:
            raise SignatureError(f"{where}: {name} is a tl.constexpr: give its value, not a type")
        if hint == 1:
            params.append(Param(name, ty, 1, 1, True))
        else:
            params.append(Param(name, ty, hint))
    return Signature(tuple(params))
