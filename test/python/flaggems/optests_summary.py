"""The summary of a FlagGems op-test run on flagtree's cpu backend: counts, failures by cause.

Reads the JSON lines `optests_plugin` wrote: `optests_summary.py RESULTS [--json F] [--markdown F]`.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import sys

OUTCOMES = ("passed", "failed", "error", "crashed", "skipped", "xfailed", "xpassed")
_NOT_RUN = ("skipped", "xfailed")


def load(path: str) -> dict[str, dict]:
    """The last record of each test; a test that started and never reported crashed the run."""
    records: dict[str, dict] = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            start = record["nodeid"].find("tests/")  # Ids as if pytest ran in FlagGems' root.
            record["nodeid"] = record["nodeid"][max(start, 0):]
            previous = records.get(record["nodeid"])
            if record["outcome"] == "started" and previous and previous["outcome"] != "started":
                continue  # Started again after a restart that had recorded it already.
            records[record["nodeid"]] = record
    for record in records.values():
        if record["outcome"] == "started":
            record.update(outcome="crashed", message="the test process died (crash or kill)",
                          where="")
    return records


def _short_path(where: str) -> str:
    for marker in ("site-packages/", "/work/main/", "FlagGems-v5.0.2/"):
        if marker in where:
            where = where.split(marker, 1)[1]
    return where


def cause(record: dict) -> str:
    """A key grouping failures with one cause: the raising location and the normalised first line
    of the message (names, numbers and quoted text stripped)."""
    message = record.get("message", "")
    if "Timeout" in message and "pytest-timeout" in message:
        return "timeout (per-test limit)"
    lines = message.splitlines() or [""]
    first = lines[0]
    # Compile errors: "CompilationError: at L:C:", then the reason (the kernel named in it).
    if first.rstrip().endswith(":") and len(lines) > 1:
        first = " ".join(line.strip() for line in lines[1:3])
        first = re.sub(r"kernel '[^']*'", "kernel", first)
    first = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", first)
    first = re.sub(r"0x[0-9a-fA-F]+|\b\d+(\.\d+)?(e-?\d+)?\b", "N", first)
    first = re.sub(r"\s+", " ", first).strip()[:160]
    return f"{_short_path(record.get('where', ''))} | {first}"


def summarize(records: dict[str, dict]) -> dict:
    counts = collections.Counter(r["outcome"] for r in records.values())
    ran = sum(counts[o] for o in OUTCOMES if o not in _NOT_RUN)
    groups: dict[str, list[str]] = collections.defaultdict(list)
    for nodeid, record in sorted(records.items()):
        if record["outcome"] in ("failed", "error", "crashed"):
            groups[cause(record)].append(nodeid)
    files = collections.defaultdict(collections.Counter)
    for nodeid, record in records.items():
        files[nodeid.split("::", 1)[0]][record["outcome"]] += 1
    no_kernel = sorted(n for n, r in records.items()
                       if r["outcome"] == "passed" and r.get("launches", 1) == 0)
    return {
        "total": len(records),
        "passed_without_kernels": len(no_kernel),
        "passed_without_kernels_files": sorted(collections.Counter(
            n.split("::", 1)[0] for n in no_kernel).items(), key=lambda kv: -kv[1]),
        "counts": {o: counts[o] for o in OUTCOMES},
        "ran": ran,
        "pass_rate": round(counts["passed"] / ran, 4) if ran else 0.0,
        "seconds": round(sum(r.get("duration", 0.0) for r in records.values()), 1),
        "causes": [{"cause": key, "count": len(ids), "examples": ids[:3]}
                   for key, ids in sorted(groups.items(), key=lambda kv: -len(kv[1]))],
        "files_all_passed": sorted(f for f, c in files.items() if set(c) <= {"passed", *_NOT_RUN}
                                   and c["passed"]),
    }


def markdown(summary: dict) -> str:
    c = summary["counts"]
    counts = (f"{summary['total']} tests: {c['passed']} passed, {c['failed']} failed, "
              f"{c['error']} errors, {c['crashed']} crashed, {c['skipped']} skipped, "
              f"{c['xfailed']} xfailed, {c['xpassed']} xpassed.")
    rate = (f"Pass rate over the tests that ran: {summary['pass_rate']:.1%} "
            f"({c['passed']}/{summary['ran']}); {summary['seconds']} s in tests.")
    idle = ", ".join(f"{f.removeprefix('tests/')} ({n})"
                     for f, n in summary["passed_without_kernels_files"][:12])
    rate += (f" {summary['passed_without_kernels']} of the passed tests launched no Triton "
             f"kernel (torch ran them){': ' + idle if idle else ''}.")
    out = [counts, rate, "", "| count | cause (where raised, first line) | example test ids |",
           "|---|---|---|"]
    for group in summary["causes"]:
        text = group["cause"].replace("|", "\\|")
        out.append(f"| {group['count']} | {text} | {'<br>'.join(group['examples'])} |")
    return "\n".join(out) + "\n"


def _write(path: str, text: str) -> None:
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", help="the JSON lines written by optests_plugin")
    parser.add_argument("--json", help="write the summary as JSON here")
    parser.add_argument("--markdown", help="write the summary as a Markdown table here")
    args = parser.parse_args(argv)
    if not os.path.exists(args.results):
        print(f"optests_summary: no results file {args.results}", file=sys.stderr)
        return 2
    summary = summarize(load(args.results))
    if args.json:
        _write(args.json, json.dumps(summary, indent=1) + "\n")
    text = markdown(summary)
    if args.markdown:
        _write(args.markdown, text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
