"""The review commands of ``capex``: review, export, import-review.

Public entry point: ``add_review_commands(subparsers)``; each command sets ``handler``.
Exit codes follow ``pipeline.cli``: 0 done, 1 failure (including a missing optional
package, with how to install it), 2 usage error (a path that does not exist, a bad option).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
EXPORT_FORMATS = ("label-studio", "csv", "parquet")


def add_review_commands(subparsers) -> None:
    """Register ``review``, ``export`` and ``import-review`` on the ``capex`` subparsers."""
    review = subparsers.add_parser("review", help="one self-contained HTML page to review an output folder")
    review.add_argument("out", help="output folder of `capex extract`")
    review.add_argument("-o", "--output", default="review.html", help="HTML file to write (default review.html)")
    review.set_defaults(handler=cmd_review)
    export = subparsers.add_parser("export", help="facts as Label Studio tasks, CSV or Parquet")
    export.add_argument("out", help="output folder of `capex extract`")
    export.add_argument("--format", required=True, choices=EXPORT_FORMATS, help="what to write")
    export.add_argument("-o", "--output", required=True, help="file to write")
    export.add_argument("--config", help="label-studio only: also write the labelling config XML here")
    export.set_defaults(handler=cmd_export)
    imported = subparsers.add_parser("import-review", help="a Label Studio JSON export -> gold JSONL")
    imported.add_argument("export_file", help="Label Studio export (JSON list of tasks)")
    imported.add_argument("-o", "--output", required=True, help="gold JSONL to write")
    imported.set_defaults(handler=cmd_import_review)


def _missing_folder(command: str, out: str) -> bool:
    if Path(out).is_dir():
        return False
    print(f"capex {command}: expected an output folder of `capex extract`, found no folder at {out}",
          file=sys.stderr)
    return True


def cmd_review(args: argparse.Namespace) -> int:
    from pipeline.review import build_review

    if _missing_folder("review", args.out):
        return EXIT_USAGE
    counts = build_review(args.out, args.output)
    print(f"capex review: {counts['documents']} articles, {counts['facts']} facts, "
          f"{counts['errors']} errors -> {args.output}", file=sys.stderr)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    if _missing_folder("export", args.out):
        return EXIT_USAGE
    if args.config and args.format != "label-studio":
        print(f"capex export: --config expects --format label-studio, found --format {args.format}",
              file=sys.stderr)
        return EXIT_USAGE
    if args.format == "label-studio":
        from pipeline.labelstudio import export_tasks

        count = export_tasks(args.out, args.output, args.config)
        print(f"capex export: {count} tasks -> {args.output}"
              f"{f' (config {args.config})' if args.config else ''}", file=sys.stderr)
        return EXIT_OK
    from pipeline.export import MissingDependency, export_table

    try:
        count = export_table(args.out, args.output, args.format)
    except MissingDependency as error:
        print(f"capex export: {error}", file=sys.stderr)
        return EXIT_FAILURE
    print(f"capex export: {count} facts -> {args.output}", file=sys.stderr)
    return EXIT_OK


def cmd_import_review(args: argparse.Namespace) -> int:
    from pipeline.labelstudio import import_review

    if not Path(args.export_file).is_file():
        print(f"capex import-review: expected a Label Studio JSON export, found no file at {args.export_file}",
              file=sys.stderr)
        return EXIT_USAGE
    count, warnings = import_review(args.export_file, args.output)
    for warning in warnings:
        print(f"capex import-review: warning: {warning}", file=sys.stderr)
    print(f"capex import-review: {count} articles -> {args.output}", file=sys.stderr)
    return EXIT_OK
