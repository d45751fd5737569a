"""The ``nianbao`` command line: a thin layer over the parsers and archive packages."""

from __future__ import annotations

import json
import sys

import click

from parsers import ParseError, parse_files


@click.group()
@click.version_option(package_name="nianbao")
def cli() -> None:
    """Crawl, parse and archive China's annual reports on open government information."""


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file (JSON Lines), per design.md.")
@click.option("--workers", type=click.IntRange(min=1), help="Parallel processes (default: one per CPU).")
def parse(files: tuple[str, ...], as_json: bool, workers: int | None) -> None:
    """Parse report files (HTML, PDF, DOCX, DOC, WPS, OFD, text) into the official tables."""
    failed = 0
    for path, result in zip(files, parse_files(list(files), workers=workers)):
        if isinstance(result, ParseError):
            failed += 1
            click.echo(f"{path}: {_one_line(str(result))}", err=True)
        elif as_json:
            click.echo(json.dumps(result, ensure_ascii=False))
        else:
            click.echo(summary(result))
    sys.exit(1 if failed else 0)


def _one_line(message: str) -> str:
    return " ".join(message.split())


def summary(report: dict) -> str:
    """A few readable lines: who, which year, which format, the totals, the failing checks."""
    lines = [f"{report['file']}: {report['agency'] or '(agency unknown)'} {report['year'] or '(year unknown)'}"
             f", {report['template'] or 'no'} format, {report['format']}"]
    requests, appeals = report["requests"], report["appeals"]
    if requests:
        new, carried_over, handled, carried_forward = (
            requests.get(key, {}).get("total") for key in ("new", "carried_over", "total", "carried_forward"))
        lines.append(f"  requests: {new} new, {carried_over} carried over, "
                     f"{handled} handled, {carried_forward} carried forward")
    if appeals:
        lines.append("  appeals: " + ", ".join(f"{group} {row['total']}" for group, row in appeals.items()))
    failing = [check for check in report["checks"] if not check["ok"]]
    if report["checks"]:
        lines.append(f"  checks: {len(report['checks']) - len(failing)} of {len(report['checks'])} hold")
    lines += [f"  FAILS {check['rule']}: {check['detail']}" for check in failing]
    lines += [f"  warning: {warning}" for warning in report["warnings"]]
    return "\n".join(lines)


if __name__ == "__main__":
    cli()
