#!/usr/bin/env python3
"""Prints the district rows of SQL/migrations/0009_districts_and_portal.sql from shared/reference/districts.tsv.

Run once when the migration was written; edit the migration from then on (as 0002 says of its rows).
Usage: python3 Tests/Tools/generate_districts_sql.py ../shared/reference/districts.tsv
"""
import sys

SOURCES = {"kato-2022": "verified", "later": "later"}


def quote(text):
    return "'" + text.replace("'", "''") + "'"


def main(path):
    rows = []
    with open(path, encoding="utf-8") as handle:
        lines = [line.rstrip("\n") for line in handle if not line.startswith("#") and line.strip()]
    header = lines[0].split("\t")
    assert header == ["kato", "parent_kato", "kind", "name_en", "name_ru", "name_kk", "code_source"], header
    for line in lines[1:]:
        kato, parent, kind, en, ru, kk, source = line.split("\t")
        assert len(kato) == 9 and kato.isdigit() and parent == kato[:2] + "0000000", kato
        rows.append(f"    ({quote(kato)}, {quote(parent)}, {quote(kind)}, {quote(en)}, {quote(ru)}, {quote(kk)}, {quote(SOURCES[source])})")
    print("INSERT INTO regions (kato, parent_kato, kind, name_en, name_ru, name_kk, code_source) VALUES")
    print(",\n".join(rows) + ";")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference/districts.tsv")
