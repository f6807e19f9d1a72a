"""`flagtree-opt`: an mlir-opt-like driver over upstream MLIR 22 and flagtree's passes.

Reads MLIR (TTIR included) from a file or stdin, runs a pipeline, prints the result.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from mlir import ir, passmanager

from flagtree.mlir.context import make_context
from flagtree.mlir.diagnostics import (
    Diagnostic,
    DiagnosticLog,
    check_expected,
    file_pos,
    parse_expectations,
)
from flagtree.mlir.passes.registry import PASSES, PassOptionError, add_pass
from flagtree.mlir.pipeline import ANCHORS

SPLIT_MARKER = "// -----"


@dataclass(frozen=True)
class PassRequest:
    """One pipeline element: a pass argument with its option text."""

    name: str
    options: str = ""

    @property
    def text(self) -> str:
        return f"{self.name}{{{self.options}}}" if self.options else self.name


class UsageError(Exception):
    """A command-line mistake, reported as `flagtree-opt: error: ...` with exit status 1."""


def _split_top_level(text: str) -> list[str]:
    """Split a pipeline body on commas outside (), {} and []."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def parse_pipeline(text: str) -> list[PassRequest]:
    """Parse `builtin.module(a, b{x=1}, func.func(cse))` into pipeline elements."""
    body = text.strip()
    if body.startswith("builtin.module(") and body.endswith(")"):
        body = body[len("builtin.module(") : -1]
    requests = []
    for part in _split_top_level(body):
        name, brace, rest = part.partition("{")
        if brace and not rest.endswith("}"):
            raise UsageError(f"malformed pass options in '{part}'")
        requests.append(PassRequest(name.strip(), rest[:-1] if brace else ""))
    return requests


def build_pass_manager(
    context: ir.Context, requests: list[PassRequest], errors: list
) -> passmanager.PassManager:
    """One module-level pass manager running `requests` in order, flagtree's and upstream's."""
    with context:
        pm = passmanager.PassManager("builtin.module")
        for req in requests:
            if req.name in PASSES:
                try:
                    add_pass(pm, req.name, req.options,
                             on_error=lambda msg, loc: errors.append((msg, loc)))
                except PassOptionError as exc:
                    raise UsageError(str(exc)) from None
                continue
            try:
                pm.add(req.text)
            except (ValueError, ir.MLIRError) as exc:
                detail = str(exc).strip().splitlines()[0].split("error: ", 1)[-1]
                raise UsageError(f"bad pipeline element '{req.text}': {detail}") from None
    return pm


@dataclass
class Chunk:
    text: str
    first_line: int


def split_input(text: str, split: bool) -> list[Chunk]:
    """The buffers to process: the whole input, or its `// -----` separated parts."""
    if not split:
        return [Chunk(text, 1)]
    chunks, current, first = [], [], 1
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if line.strip() == SPLIT_MARKER:
            chunks.append(Chunk("".join(current), first))
            current, first = [], number + 1
        else:
            current.append(line)
    chunks.append(Chunk("".join(current), first))
    return chunks


def run_backend_pipeline(module: ir.Module, args: argparse.Namespace, asm, errors: list,
                         buffer_name: str) -> str:
    """Run the shared pipeline with `--backend`'s insertions up to its takeover anchor, or up to
    the last `--dump-after` anchor printing the IR at each one; pass failures go to `errors`."""
    from flagtree.mlir.pipeline import StageError, run_pipeline

    dumps = set(args.dump_after)
    stop = max(args.dump_after, key=ANCHORS.index) if args.dump_after else None
    parts: list[str] = []

    def after_anchor(anchor: str, current: ir.Module) -> None:
        if anchor in dumps:
            parts.append(f"// -----// IR after anchor '{anchor}' "
                         f"(backend '{args.backend_name}') //----- //\n{asm(current)}")

    try:
        run_pipeline(module, args.backend, stop=stop, after_anchor=after_anchor)
    except StageError as exc:
        with module.context:
            errors += [(m, None if pos is None else
                        ir.Location.file(buffer_name if pos.filename == "-" else pos.filename,
                                         pos.line, pos.col)) for m, pos in exc.errors]
        return ""
    return "".join(parts) if dumps else asm(module)


def process_chunk(chunk: Chunk, args: argparse.Namespace, buffer_name: str) -> tuple[bool, str]:
    """Parse, verify and transform one buffer; return (ok, printed output)."""
    context = make_context()
    if args.allow_unregistered_dialect:
        context.allow_unregistered_dialects = True
    log = DiagnosticLog(context, buffer_name)
    pass_errors: list[tuple[str, ir.Location | None]] = []
    output, ok = "", True
    # Leading newlines keep line numbers those of the original file.
    padded = "\n" * (chunk.first_line - 1) + chunk.text
    def asm(module: ir.Module) -> str:
        return module.operation.get_asm(
            enable_debug_info=args.mlir_print_debuginfo,
            print_generic_op_form=args.mlir_print_op_generic,
            use_name_loc_as_prefix=args.mlir_use_nameloc_as_prefix,
        )

    try:
        with context:
            module = ir.Module.parse(padded)
        if args.pipeline_mode:
            output = run_backend_pipeline(module, args, asm, pass_errors, buffer_name)
        else:
            pm = build_pass_manager(context, args.requests, pass_errors)
            if args.requests:
                pm.run(module.operation)
            output = asm(module)
    except ir.MLIRError as exc:
        log.add_error(exc)
        ok = False
    finally:
        log.detach()
    diagnostics = [Diagnostic("error", m, file_pos(loc, buffer_name) if loc else None)
                   for m, loc in pass_errors]
    # The pass manager's generic "failure while executing" adds nothing to a pass's own error.
    diagnostics += [d for d in log.diagnostics
                    if not (pass_errors and d.message.startswith("Failure while executing"))]
    if args.verify_diagnostics:
        expectations = parse_expectations(chunk.text, chunk.first_line)
        problems = check_expected(diagnostics, expectations, buffer_name)
        for problem in problems:
            print(problem, file=sys.stderr)
        return not problems, output if ok else ""
    for diag in diagnostics:
        print(diag.format(), file=sys.stderr)
    return ok and not pass_errors, output


def _pass_help() -> str:
    lines = ["flagtree passes (use as --NAME[=\"opt=value ...\"] or in --pass-pipeline):"]
    for info in PASSES.values():
        lines.append(f"  --{info.argument:<28} {info.summary}")
        for name, text in info.options.items():
            lines.append(f"      {name}=<value>{'':<14} {text}")
    lines.append("")
    lines.append("Every upstream MLIR 22 pass is accepted by name too (e.g. --canonicalize, --cse).")
    return "\n".join(lines)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # mlir-opt exits 1 on bad usage, not argparse's 2
        raise UsageError(message)


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="flagtree-opt",
        allow_abbrev=False,
        description="Parse, verify and transform MLIR (TTIR included) with flagtree's passes.",
        epilog=_pass_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("input", nargs="?", default="-", help="input file ('-' for stdin)")
    parser.add_argument("-o", dest="output", default="-", help="output file ('-' for stdout)")
    parser.add_argument("--pass-pipeline", help="textual pipeline: 'builtin.module(a,b{x=1})'")
    parser.add_argument("--split-input-file", action="store_true",
                        help="process each '// -----' separated part on its own")
    parser.add_argument("--verify-diagnostics", action="store_true",
                        help="check diagnostics against expected-* comments in the input")
    parser.add_argument("--mlir-print-debuginfo", action="store_true",
                        help="print locations")
    parser.add_argument("--mlir-print-op-generic", action="store_true",
                        help="print every op in generic form")
    parser.add_argument("--mlir-use-nameloc-as-prefix", action="store_true",
                        help="name SSA values after their name locations (as Triton prints TTIR)")
    parser.add_argument("--allow-unregistered-dialect", action="store_true",
                        help="accept ops of dialects that are not registered")
    group = parser.add_argument_group(
        "backend pipelines",
        "the shared pipeline with a backend's passes at its anchors: " + ", ".join(ANCHORS))
    group.add_argument("--backend", metavar="NAME",
                       help="run backend NAME's pipeline (to the anchor where it takes over)")
    group.add_argument("--print-pipeline", action="store_true",
                       help="print the pipeline (of --backend, else the shared one) and exit")
    group.add_argument("--dump-after", metavar="ANCHOR", action="append", default=[],
                       choices=ANCHORS,
                       help="print the IR at ANCHOR (repeatable); stop at the last one")
    return parser


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Known options through argparse; every other `--name[=opts]` is a pass, in order."""
    parser = make_parser()
    args, rest = parser.parse_known_args(argv)
    requests: list[PassRequest] = []
    if args.pass_pipeline:
        requests += parse_pipeline(args.pass_pipeline)
    for item in rest:
        if not item.startswith("--") or len(item) == 2:
            raise UsageError(f"unexpected argument '{item}'")
        name, _, options = item[2:].partition("=")
        requests.append(PassRequest(name, options.strip("\"'")))
    args.requests = requests
    args.pipeline_mode = bool(args.backend or args.dump_after or args.print_pipeline)
    if args.pipeline_mode and requests:
        raise UsageError("passes cannot be combined with --backend, --dump-after or "
                         "--print-pipeline (a backend's own passes go in its pipeline)")
    args.backend_name = args.backend or "(none)"
    args.backend = _backend(args.backend) if args.backend else None
    if args.backend is not None:
        last = ANCHORS.index(args.backend.ir_level.anchor)
        late = [a for a in args.dump_after if ANCHORS.index(a) > last]
        if late:
            raise UsageError(f"backend '{args.backend_name}' takes over at anchor "
                             f"'{ANCHORS[last]}'; no IR at {', '.join(map(repr, late))}")
    return args


def _backend(name: str):
    """The installed backend `name`; a UsageError listing the installed ones otherwise."""
    import warnings

    from flagtree.backend.registry import BackendError, get_backend

    with warnings.catch_warnings():
        # A broken plugin warns once; flagtree-opt reports only what the user asked for.
        warnings.simplefilter("ignore")
        try:
            return get_backend(name)
        except BackendError as exc:
            raise UsageError(str(exc)) from None


def run(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.print_pipeline:
        from flagtree.mlir.pipeline import format_pipeline

        stop = max(args.dump_after, key=ANCHORS.index) if args.dump_after else None
        sys.stdout.write(format_pipeline(args.backend, stop=stop))
        return 0
    if args.input == "-":
        text, buffer_name = sys.stdin.read(), "<stdin>"
    else:
        try:
            with open(args.input, encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read '{args.input}': {exc}") from None
        buffer_name = args.input
    outputs, all_ok = [], True
    for chunk in split_input(text, args.split_input_file):
        ok, output = process_chunk(chunk, args, buffer_name)
        all_ok &= ok
        if output:
            outputs.append(output.rstrip("\n") + "\n")
    joined = f"{SPLIT_MARKER}\n".join(outputs)
    if args.output == "-":
        sys.stdout.write(joined)
    else:
        from flagtree.utils import atomic_write_text

        atomic_write_text(args.output, joined)
    return 0 if all_ok else 1


def main(argv: list[str] | None = None) -> int:
    """Console entry point: exit 0 on success, 1 on any diagnostic error or bad usage."""
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except UsageError as exc:
        print(f"flagtree-opt: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
