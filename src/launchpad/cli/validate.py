"""`launchpad validate PATH... [--json]`: check plans and checklists; exit 0 clean, 1 problems, 2 usage."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from launchpad.core.literal import printable
from launchpad.core.plan.plan import TOML_SUFFIXES, load_plan
from launchpad.core.problems import Problem

CHECKABLE = {".toml", ".md", ".markdown", ".txt"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="plan (.toml) or checklist (Markdown) files, or folders of them (default: the bundled plan)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")


def _expand(paths: list[str]) -> list[str]:
    files: list[str] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files.extend(str(child) for child in sorted(path.iterdir()) if child.suffix.lower() in CHECKABLE)
        else:
            files.append(name)
    return files


def check_file(path: str) -> dict:
    """One file's report: its kind, counts and problems (problems of included checklists are listed too)."""
    kind = "plan" if Path(path).suffix.lower() in TOML_SUFFIXES else "checklist"
    plan, problems = load_plan(path)
    if plan is not None and not problems:
        # The plan was parsed whole anyway: keep its IDs, so the first `mark` of a generated ID after this does not
        # parse it again (shell.plan_ids; keyed by every file's content, skipped silently when it cannot be written).
        from launchpad.shell.plan_ids import save_ids

        save_ids(path, plan)
    if plan is not None and getattr(plan, "notify", ()):  # Apprise's own parser judges each target URL
        from launchpad.shell.notify import check_urls

        problems = [*problems, *check_urls(plan)]
    report = {
        "path": path,
        "kind": kind,
        "tasks": len(plan.tasks) if plan else 0,
        "sections": len(plan.section_paths) if plan else 0,
        "events": len(plan.events) if plan else 0,
        "roles": len(plan.roles) if plan else 0,
        "errors": [],
        "_problems": problems,
    }
    if plan is not None and kind == "plan":
        report["probes"] = len(plan.probes)
        report["triggers"] = len(plan.triggers) + len(plan.metric_triggers)
        report["metrics"] = len(plan.metrics)
        report["notify"] = len(plan.notify)
    report["warnings"] = []
    if plan is not None and not plan.tasks and not problems:
        report["warnings"].append(
            f"{'a checklist' if kind == 'checklist' else 'a plan'} without tasks: no GitHub task items "
            "(`- [ ] ...`) were found, so there is nothing to tick" + ("" if kind == "checklist" else
            "; list checklists in [launch] checklists = [...]"))
    for problem in problems:
        error = problem.as_json()
        if problem.path != plan_path(plan, path):
            error["file"] = problem.path
        report["errors"].append(error)
    return report


def plan_path(plan, fallback: str) -> str:
    return plan.path if plan is not None else fallback


def _describe(report: dict) -> str:
    counts = [f"{report['tasks']} tasks", f"{report['sections']} sections", f"{report['events']} events", f"{report['roles']} roles"]
    if "probes" in report:
        counts += [f"{report['probes']} probes", f"{report['metrics']} metrics", f"{report['triggers']} triggers"]
    if report.get("notify"):
        counts.append(f"{report['notify']} notify target" + ("s" if report["notify"] != 1 else ""))
    verdict = "ok" if not report["errors"] else f"{len(report['errors'])} problem" + ("s" if len(report["errors"]) != 1 else "")
    if report["warnings"] and not report["errors"]:
        verdict = "ok, but " + "; ".join(f"warning: {warning}" for warning in report["warnings"])
    return f"{report['path']}: {report['kind']}, {', '.join(counts)}: {verdict}"


def run(args: argparse.Namespace) -> int:
    paths = args.paths
    if not paths:
        from launchpad.bundled import bundled_plan

        found = bundled_plan()
        if found is None:
            print("launchpad validate: the bundled plan is not installed; name a plan or checklist", file=sys.stderr)
            return 2
        paths = [str(found)]
    reports = [check_file(path) for path in _expand(paths)]
    if not reports:
        print("launchpad validate: no plan or checklist files found in the paths given", file=sys.stderr)
        return 2
    failed = any(report["errors"] for report in reports)
    if args.json:
        print(json.dumps({"files": [{k: v for k, v in r.items() if not k.startswith("_")} for r in reports]},
                         indent=2))  # ASCII escapes: plan text with controls or bidi characters reaches no terminal
        return 1 if failed else 0
    for report in reports:
        print(printable(_describe(report)))
        problem: Problem
        for problem in report["_problems"]:  # messages quote the plan's own text: shown literally (core.literal)
            print(printable("  " + problem.format().replace("\n", "\n  "), keep_newlines=True))
    return 1 if failed else 0
