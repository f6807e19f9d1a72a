"""flagtree's options: each knob is one environment variable with a default, settable from Python.

Grouped like Triton's knobs (`knobs.cpu.num_threads`); the one place flagtree reads the environment.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Any, Callable, Generic, Iterator, TypeVar

T = TypeVar("T")

_UNSET = object()

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")


def _parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"expected one of {_TRUE + _FALSE}")


class env_knob(Generic[T]):
    """A descriptor for one option: a value set from Python wins, else `key` from the environment,
    else `default`. `del group.knob` forgets the Python value."""

    def __init__(self, key: str, default: T, doc: str, parse: Callable[[str], T],
                 check: Callable[[T], bool] = lambda _: True, expected: str = "") -> None:
        self.key = key
        self.default = default
        self.__doc__ = doc
        self._parse = parse
        self._check = check
        self._expected = expected

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, group: Any, owner: type | None = None) -> Any:
        if group is None:
            return self
        value = group.__dict__.get(self.name, _UNSET)
        if value is not _UNSET:
            return value
        text = os.environ.get(self.key)
        if text is None:
            return self.default
        try:
            value = self._parse(text)
        except ValueError as err:
            raise ValueError(f"{self.key}={text!r}: {err}") from None
        return self._validate(value, f"{self.key}={text!r}")

    def __set__(self, group: Any, value: T) -> None:
        group.__dict__[self.name] = self._validate(value, f"{type(group).__name__}.{self.name}")

    def __delete__(self, group: Any) -> None:
        group.__dict__.pop(self.name, None)

    def _validate(self, value: T, where: str) -> T:
        if not isinstance(value, type(self.default)) or not self._check(value):
            raise ValueError(f"{where}: expected {self._expected or type(self.default).__name__}, "
                             f"got {value!r}")
        return value


def env_int(key: str, default: int, doc: str, *, minimum: int | None = None,
            maximum: int | None = None) -> env_knob[int]:
    """An integer knob, optionally bounded (inclusive)."""
    lo = float("-inf") if minimum is None else minimum
    hi = float("inf") if maximum is None else maximum
    bounds = "an int" if minimum is None and maximum is None else f"an int in [{lo}, {hi}]"
    return env_knob(key, default, doc, int, lambda v: not isinstance(v, bool) and lo <= v <= hi,
                    bounds)


def env_bool(key: str, default: bool, doc: str) -> env_knob[bool]:
    """A boolean knob; the environment spells it 1/0, true/false, yes/no or on/off."""
    return env_knob(key, default, doc, _parse_bool)


def env_str(key: str, default: str, doc: str) -> env_knob[str]:
    """A string knob."""
    return env_knob(key, default, doc, str)


class knob_group:
    """A group of knobs (`knobs.cpu`); `scope()` restores its Python values and environment."""

    def knob_descriptors(self) -> dict[str, env_knob]:
        return {name: knob for name, knob in vars(type(self)).items()
                if isinstance(knob, env_knob)}

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self.knob_descriptors():
            raise AttributeError(f"{type(self).__name__} has no knob {name!r}")
        super().__setattr__(name, value)

    def reset(self) -> None:
        """Forget every value set from Python."""
        self.__dict__.clear()

    @contextmanager
    def scope(self) -> Iterator[None]:
        """Restore this group's Python values and environment variables on exit."""
        keys = [knob.key for knob in self.knob_descriptors().values()]
        saved_env = {key: os.environ.get(key) for key in keys}
        saved = dict(self.__dict__)
        try:
            yield
        finally:
            self.__dict__.clear()
            self.__dict__.update(saved)
            for key, value in saved_env.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


class backend_knobs(knob_group):
    """Which backend answers for Triton."""

    name = env_str("FLAGTREE_BACKEND", "",
                   "Backend to use even where a GPU is present ('cpu'); empty: by hardware.")
    triton_default = env_str("TRITON_DEFAULT_BACKEND", "",
                             "Triton's own backend choice (Triton's variable, read here only).")


class cpu_knobs(knob_group):
    """The cpu backend's compiler and launcher."""

    num_threads = env_int(
        "FLAGTREE_CPU_NUM_THREADS", 0,
        "Threads running a launch's programs; 0: one per CPU this process may use.",
        minimum=0)
    # 2, not 3: LLVM 22's JIT at O3 miscompiles float max/min reductions across rows
    # (test_reduce[max-f32-axis0]); O2 vectorizes the same and measures the same speed.
    opt_level = env_int("FLAGTREE_CPU_OPT_LEVEL", 2,
                        "LLVM optimization level (0-3) for cpu kernels.", minimum=0, maximum=3)


class compile_knobs(knob_group):
    """Compilation, shared by every backend."""

    dump_ir = env_bool("FLAGTREE_DUMP_IR", False, "Print the IR after each compilation stage.")


class aot_knobs(knob_group):
    """Ahead-of-time compilation (`flagtree compile`) and the archives it writes."""

    archives = env_str(
        "FLAGTREE_AOT_ARCHIVES", "",
        "Archives (os.pathsep-separated) that @jit calls look up before compiling (docs/aot.md).")
    capture = env_str(
        "FLAGTREE_AOT_CAPTURE", "",
        "Folder where `flagtree compile --capture` records the kernels a program JIT-compiles.")
    cc = env_str("FLAGTREE_AOT_CC", "cc",
                 "C compiler that links cpu kernels into shared objects at compile time.")


backend = backend_knobs()
cpu = cpu_knobs()
compile = compile_knobs()
aot = aot_knobs()

_GROUPS = (backend, cpu, compile, aot)


@contextmanager
def scope() -> Iterator[None]:
    """Restore every group's Python values and environment variables on exit."""
    with backend.scope(), cpu.scope(), compile.scope(), aot.scope():
        yield


def reset() -> None:
    """Forget every value set from Python."""
    for group in _GROUPS:
        group.reset()


def __getattr__(name: str) -> Any:
    """Triton's knob groups (`runtime`, `cache`, `compilation`, ...) under flagtree's knobs, so
    `import flagtree as triton; triton.knobs.runtime...` keeps working."""
    import triton.knobs

    try:
        return getattr(triton.knobs, name)
    except AttributeError:
        raise AttributeError(f"module 'flagtree.knobs' has no attribute '{name}'") from None
