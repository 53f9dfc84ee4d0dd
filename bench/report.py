"""Write ``bench/RESULTS.md`` from the rows the benchmarks returned."""

import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECTIONS = (
    ("generate_demo", "Generating the synthetic country"),
    ("coverage", "1. `coverage 2024` by area against the floor"),
    ("import", "2. `import_records` against a plain `bulk_create`"),
    ("http", "3. Public results page and reviewer page over HTTP"),
    ("export", "4. Exports of 150,000 rows"),
)
HIDDEN = {"benchmark", "machine", "target", "met"}


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


def write_results(path, results, machines, options):
    lines = [
        "# Benchmark results",
        "",
        f"Written by `python bench/run.py --units {options.units}` on "
        f"{datetime.date.today().isoformat()}. Every figure below comes from that run; the "
        "analysis after the tables explains each gap.",
        "",
        "## Machine",
        "",
    ]
    lines += [f"- {vendor}: {machine}" for vendor, machine in machines.items()]
    missed = [r for r in results if r.get("met") is False or "error" in r]
    lines += [
        "",
        f"**{len(results) - len(missed)} of {len(results)} figures meet their target.**",
        "",
    ]
    for name, title in SECTIONS:
        rows = [r for r in results if r.get("benchmark") == name]
        if rows:
            lines += [f"## {title}", "", *_table(rows), ""]
    analysis = HERE / "ANALYSIS.md"
    if analysis.exists():
        lines += [analysis.read_text(encoding="utf-8").strip(), ""]
    path.write_text("\n".join(lines), encoding="utf-8")
