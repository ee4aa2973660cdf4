#!/usr/bin/env python3
"""Extract the published figures `caseload new --la` needs into la_figures.csv.

Reads the Department for Education's files (Children's social work workforce
and Children in need, as republished in the DfE's CSC_outcomes_and_enablers
repository) and writes one compact CSV beside this script: one row per
council (or England) and year, with only the columns the program uses.
The program compiles la_figures.csv into itself (src/la/mod.rs), so re-run
this script and rebuild when new figures are published.

Usage (from the repository root, or anywhere):
    python3 data/extract.py [DFE_FOLDER]
DFE_FOLDER defaults to ../shared/data/dfe relative to the repository root.
    python3 data/extract.py --check [DFE_FOLDER]
re-extracts and exits 1 if la_figures.csv differs from what it would write.

Only the standard library is used. What the script does, beyond copying
values as published (suppression markers such as x, c, z, u and low kept as
they are):
- councils are the local authorities of the workforce file; the region is
  the one it gives them;
- two workforce rows cover two councils each (their children's trusts):
  "Kingston upon Thames / Richmond upon Thames" and "North Northamptonshire
  / West Northamptonshire". Their children-in-need figures are the sums of
  the two councils' (a sum with a suppressed part is left suppressed), and
  before North and West Northamptonshire existed (to 2021) those of
  Northamptonshire, the same area;
- England's rows have la_name "England" and an empty region.
"""

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE.parent.parent / "shared" / "data" / "dfe"
OUTPUT = HERE / "la_figures.csv"

# (file, columns taken), in the order they appear in the output.
WORKFORCE = (
    "csww_indicators_2017_to_2025.csv",
    [
        "inpost_fte",
        "inpost_headcount",
        "starters_headcount",
        "leavers_fte",
        "turnover_rate_fte",
        "agency_fte",
        "agency_headcount",
        "vacancy_fte",
        "case_holders_fte",
        "cases",
        "caseload_fte",
        "working_days_lost_fte",
    ],
)
CHILDREN_IN_NEED = [
    (
        "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
        ["referral_count", "rereferral_count", "no_further_action_count", "not_in_need_count"],
    ),
    ("b1_children_in_need_2013_to_2025.csv", ["At31_episodes", "Started_episodes"]),
    ("c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv", ["ICPC"]),
    ("d5_cpps_at31march_by_duration_2013_to_2025.csv", ["CPP_At31"]),
]

# Workforce rows that cover more than one council: the councils whose
# children-in-need rows make up theirs, in order of preference by year.
JOINT = {
    "Kingston upon Thames / Richmond upon Thames": [["Kingston upon Thames", "Richmond upon Thames"]],
    "North Northamptonshire / West Northamptonshire": [
        ["North Northamptonshire", "West Northamptonshire"],
        ["Northamptonshire"],
    ],
}

NATIONAL = "England"


def read(folder, name):
    with open(folder / name, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def area(row):
    """The row's council, England, or None for a regional row."""
    level = row["geographic_level"]
    if level == "National":
        return NATIONAL
    if level == "Local authority":
        return row["la_name"]
    return None


def is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def add(values):
    """Sums published values; the first non-number if any is not a number."""
    for v in values:
        if not is_number(v):
            return v
    total = sum(float(v) for v in values)
    return str(int(total)) if total == int(total) else f"{total:g}"


def extract(folder):
    workforce_file, workforce_columns = WORKFORCE
    regions = {}
    figures = {}  # (area, year) -> {column: text}
    for row in read(folder, workforce_file):
        name = area(row)
        if name is None:
            continue
        year = int(row["time_period"])
        regions[name] = "" if name == NATIONAL else row["region_name"]
        figures.setdefault((name, year), {}).update({c: row[c].strip() for c in workforce_columns})

    cin = {}  # (area, year) -> {column: text}
    cin_columns = []
    for file, columns in CHILDREN_IN_NEED:
        cin_columns += columns
        for row in read(folder, file):
            name = area(row)
            if name is None:
                continue
            cin.setdefault((name, int(row["time_period"])), {}).update({c: row[c].strip() for c in columns})
    cin_years = sorted({year for _, year in cin})

    for name in regions:
        for year in cin_years:
            values = cin.get((name, year))
            for parts in JOINT.get(name, []):
                if values is None and all((p, year) in cin for p in parts):
                    values = {c: add([cin[(p, year)].get(c, "") for p in parts]) for c in cin_columns}
            if values is not None:
                figures.setdefault((name, year), {}).update(values)

    columns = workforce_columns + cin_columns
    # England first, then councils by name; years in order.
    keys = sorted(figures, key=lambda k: (k[0] != NATIONAL, k[0], k[1]))
    rows = [["la_name", "region", "year"] + columns]
    for name, year in keys:
        values = figures[(name, year)]
        rows.append([name, regions[name], str(year)] + [values.get(c, "") for c in columns])
    return rows


def to_text(rows):
    class Lines:
        def __init__(self):
            self.parts = []

        def write(self, s):
            self.parts.append(s)

    out = Lines()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return "".join(out.parts)


def main(argv):
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    folder = Path(args[0]) if args else DEFAULT_SOURCE
    if not (folder / WORKFORCE[0]).is_file():
        print(f"no DfE files in {folder}: name their folder, python3 data/extract.py PATH", file=sys.stderr)
        return 2
    text = to_text(extract(folder))
    if check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.name} differs from what {folder} gives: re-run without --check", file=sys.stderr)
            return 1
        print(f"{OUTPUT.name} is up to date with {folder}")
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.name}: {text.count(chr(10)) - 1} rows from {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
