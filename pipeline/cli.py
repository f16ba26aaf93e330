"""The ``capex`` command: extract, evaluate, summary.

Exit codes: 0 the run completed (per-file errors are recorded in errors.jsonl and
summarised on stderr), 1 an internal failure, 2 a usage error (bad arguments, an
input path that does not exist).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="capex", description="Capex facts from Chinese financial news.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract", help="extract facts and mentions from files or folders")
    extract.add_argument("inputs", nargs="+", help="article files or folders (recursive)")
    extract.add_argument("--out", required=True, help="output folder")
    extract.add_argument("--jobs", type=int, default=None,
                         help=f"parallel worker processes (default: all cores, {os.cpu_count() or 1} here)")
    extract.add_argument("--max-bytes", type=int, default=10_000_000,
                         help="record larger files and documents as errors (default 10 MB)")
    extract.add_argument("--doc-timeout", type=float, default=30.0,
                         help="seconds one document may take before it is recorded as an error (default 30; 0: none)")
    extract.add_argument("--resume", action="store_true",
                         help="keep the documents an interrupted run already wrote to --out (checked) and do the rest")
    extract.add_argument("--engine", choices=("local", "dask"), default="local",
                         help="local processes (default) or a dask.distributed cluster")
    extract.add_argument("--scheduler", default=None,
                         help="with --engine dask: the scheduler address tcp://HOST:PORT (default: a LocalCluster)")
    extract.add_argument("--quiet", action="store_true", help="no progress output")
    evaluate = commands.add_parser("evaluate", help="score predictions against a gold file")
    evaluate.add_argument("--gold", required=True, help="gold JSONL (GOLD_FORMAT section 2)")
    evaluate.add_argument("--pred", required=True, help="folder with facts.jsonl and mentions.jsonl")
    evaluate.add_argument("--json", action="store_true", help="print the scores as one JSON object")
    evaluate.add_argument("--errors", action="store_true", help="list false positives and negatives")
    summary = commands.add_parser("summary", help="a short summary of an output folder")
    summary.add_argument("out", help="output folder of `capex extract`")
    _add_optional_commands(commands)
    return parser


def _add_optional_commands(commands) -> None:
    """Commands defined beside their stage (review, export…) register themselves with a handler."""
    from pipeline.cli_review import add_review_commands

    add_review_commands(commands)


def cmd_extract(args: argparse.Namespace) -> int:
    from pipeline.batch import run_batch

    missing = [p for p in args.inputs if not Path(p).exists()]
    if missing:
        print(f"capex extract: input not found: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    problems = []
    if args.jobs is not None and args.jobs < 1:
        problems.append(f"--jobs expects a number >= 1, found {args.jobs}")
    if args.max_bytes < 1:
        problems.append(f"--max-bytes expects a number >= 1, found {args.max_bytes}")
    if args.doc_timeout < 0:
        problems.append(f"--doc-timeout expects seconds >= 0, found {args.doc_timeout:g}")
    if args.scheduler and args.engine != "dask":
        problems.append("--scheduler goes with --engine dask")
    if problems:
        print(f"capex extract: {'; '.join(problems)}", file=sys.stderr)
        return EXIT_USAGE
    from pipeline.batch import ResumeMismatch

    try:
        summary = run_batch(args.inputs, args.out, jobs=args.jobs, max_bytes=args.max_bytes, quiet=args.quiet,
                            resume=args.resume, doc_timeout=args.doc_timeout or None, engine=args.engine,
                            scheduler=args.scheduler)
    except ResumeMismatch as error:
        print(f"capex extract: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"capex: interrupted; `capex extract ... --out {args.out} --resume` continues where it stopped",
              file=sys.stderr)
        return 130
    if not args.quiet or summary.errors:
        kinds = ", ".join(f"{k}: {v}" for k, v in sorted(summary.error_kinds.items()))
        resumed = f" ({summary.resumed} inputs kept from the earlier run)" if summary.resumed else ""
        print(f"capex: {summary.documents} documents, {summary.facts} facts, {summary.mentions} mentions, "
              f"{summary.errors} errors{f' ({kinds})' if kinds else ''} in {summary.seconds:.1f}s -> {args.out}"
              f"{resumed}", file=sys.stderr)
    if summary.files == 0:
        print(f"capex extract: no articles found in {', '.join(args.inputs)} "
              "(looked for .md .markdown .txt .html .htm .jsonl)", file=sys.stderr)
    return EXIT_OK


def cmd_evaluate(args: argparse.Namespace) -> int:
    from pipeline.evaluate import evaluate
    from pipeline.evaluate_render import render_errors, render_table

    for path in (args.gold, args.pred):
        if not Path(path).exists():
            print(f"capex evaluate: not found: {path}", file=sys.stderr)
            return EXIT_USAGE
    report = evaluate(args.gold, args.pred)
    if args.json:
        print(json.dumps({k: v for k, v in report.items() if k not in ("errors", "mismatches")},
                         ensure_ascii=False))
    else:
        print(render_table(report))
    if args.errors:
        print(render_errors(report))
    return EXIT_OK


def cmd_summary(args: argparse.Namespace) -> int:
    out = Path(args.out)
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    print(f"{run['documents']} documents, {run['facts']} facts, {run['mentions']} mentions, "
          f"{run['errors']} errors in {run['seconds']}s")
    with (out / "facts.jsonl").open(encoding="utf-8") as facts:
        for line in list(facts)[:10]:
            fact = json.loads(line)
            amount = fact["amount"] or {}
            period = fact["period"] or {}
            print(f"  {fact['doc_id']}: {'/'.join(fact['companies'])} {amount.get('text', '-')} "
                  f"{period.get('text', '-')} {fact['status']}")
    return EXIT_OK


COMMANDS = {"extract": cmd_extract, "evaluate": cmd_evaluate, "summary": cmd_summary}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = getattr(args, "handler", None) or COMMANDS[args.command]
    try:
        return handler(args)
    except KeyboardInterrupt:
        print("capex: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `capex evaluate | head`: the reader left; nothing to report
        sys.stderr = open(os.devnull, "w")
        return EXIT_OK
    except Exception as exc:
        if args.debug or os.environ.get("CAPEX_DEBUG"):
            raise
        print(f"capex {args.command}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
