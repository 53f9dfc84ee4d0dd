"""Write ``bench/RESULTS.md`` from the rows the benchmarks returned."""

import datetime
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECTIONS = (
    ("generate_demo", "Generating the synthetic country"),
    ("coverage", "1. `coverage 2024` by area against the floor"),
    ("dashboard", "1b. A district reviewer's dashboard against the floor for its units"),
    ("writes", "1c. Keeping the facts: an officer's save and a period counted again"),
    ("import", "2. `import_records` against a plain `bulk_create`"),
    ("http", "3. Public results page and reviewer page over HTTP"),
    ("export", "4. Exports of 150,000 rows"),
)
HIDDEN = {"benchmark", "machine", "target", "met"}
# Rows some benchmarks of ``run.py --only`` write under other names.
RUN_BY = {"dashboard": "coverage", "writes": "coverage"}


def _cell(value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    if isinstance(value, int):
        return f"{value:,}"
    return str(value).replace("|", "\\|")


def _table(rows):
    columns = []
    for row in rows:
        columns += [key for key in row if key not in HIDDEN and key not in columns]
    columns += ["target", "met"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join(_cell(row.get(c, "")) for c in columns) + " |")
    return lines


def earlier_sections(path):
    """The tables of the results already at ``path``, by benchmark, and the day they were
    written: a run of some benchmarks (``--only``) keeps the others' latest figures."""
    if not path.exists():
        return {}, None
    text = path.read_text(encoding="utf-8")
    written = re.search(r"on (\d{4}-\d{2}-\d{2})\.", text)
    sections = {}
    for name, title in SECTIONS:
        found = re.search(rf"^## {re.escape(title)}\n\n(.*?)(?=^## |\Z)", text, re.M | re.S)
        if found:
            sections[name] = found.group(1).strip()
    return sections, written.group(1) if written else None


def _carried_over(table, day):
    # A table carried over once already says the day it was measured.
    if table.startswith("*Not run"):
        return table
    return f"*Not run this time: the figures of the run of {day}.*\n\n{table}"


def write_results(path, results, machines, options):
    only = sorted({RUN_BY.get(r.get("benchmark"), r.get("benchmark")) for r in results})
    only = [name for name in only if name != "generate_demo"]
    every = {RUN_BY.get(name, name) for name, _title in SECTIONS} - {"generate_demo"}
    command = f"python bench/run.py --units {options.units}"
    if set(only) != every:
        command += f" --only {','.join(only)}"
    earlier, earlier_day = earlier_sections(path)
    lines = [
        "# Benchmark results",
        "",
        f"Written by `{command}` on {datetime.date.today().isoformat()}. Every figure below "
        "comes from that run, except the sections marked as not run this time; the analysis "
        "after the tables explains each gap.",
        "",
        "## Machine",
        "",
    ]
    lines += [f"- {vendor}: {machine}" for vendor, machine in machines.items()]
    missed = [r for r in results if r.get("met") is False or "error" in r]
    lines += [
        "",
        f"**{len(results) - len(missed)} of {len(results)} figures of this run meet their "
        "target.**",
        "",
    ]
    for name, title in SECTIONS:
        rows = [r for r in results if r.get("benchmark") == name]
        if rows:
            lines += [f"## {title}", "", *_table(rows), ""]
        elif name in earlier:
            lines += [f"## {title}", "", _carried_over(earlier[name], earlier_day), ""]
    analysis = HERE / "ANALYSIS.md"
    if analysis.exists():
        lines += [analysis.read_text(encoding="utf-8").strip(), ""]
    path.write_text("\n".join(lines), encoding="utf-8")
