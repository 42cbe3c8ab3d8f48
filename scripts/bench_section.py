"""Puts standard input between the markers `<!-- NAME:begin -->` and
`<!-- NAME:end -->` of a Markdown file, and echoes it.
Usage: some-benchmark | python3 scripts/bench_section.py NAME BENCHMARKS.md"""

import pathlib
import sys


def main(name: str, path: str) -> None:
    table = sys.stdin.read().strip()
    print(table)
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    md = pathlib.Path(path)
    text = md.read_text()
    start, stop = text.index(begin) + len(begin), text.index(end)
    md.write_text(text[:start] + "\n" + table + "\n" + text[stop:])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
