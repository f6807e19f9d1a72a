"""Runs one conformance case in this process and prints its result: the kit's isolated runs.

`python -m flagtree.conformance.child BACKEND CASE_ID [--target T] [--compile-only]`.
"""

from __future__ import annotations

import argparse
import sys

from flagtree.conformance.runner import child_main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flagtree.conformance.child")
    parser.add_argument("backend")
    parser.add_argument("case")
    parser.add_argument("--target")
    parser.add_argument("--compile-only", action="store_true")
    args = parser.parse_args(argv)
    return child_main(args.backend, args.case, args.target, args.compile_only)


if __name__ == "__main__":
    sys.exit(main())
