"""Transferred size of the built page (HTML + JS + wasm + CSS + config):
raw, gzip -9 and brotli -q 11, per file and in total, as a Markdown table."""

import gzip
import pathlib
import subprocess
import sys

BUDGET_BROTLI = 150 * 1000  # issue 6: everything, brotli


def brotli_size(data: bytes) -> int:
    out = subprocess.run(["brotli", "-c", "-q", "11"], input=data, capture_output=True, check=True)
    return len(out.stdout)


def main(dist: str) -> None:
    # The .gz files are the same assets precompressed for gzip_static.
    files = sorted(p for p in pathlib.Path(dist).iterdir() if p.is_file() and p.suffix != ".gz")
    rows, totals = [], [0, 0, 0]
    for path in files:
        data = path.read_bytes()
        sizes = [len(data), len(gzip.compress(data, 9)), brotli_size(data)]
        totals = [t + s for t, s in zip(totals, sizes)]
        kind = "loader js" if path.name.startswith("loader-") else path.suffix.lstrip(".")
        rows.append(f"| {kind} | {sizes[0]:,} | {sizes[1]:,} | {sizes[2]:,} |")
    rows.append(f"| **total** | **{totals[0]:,}** | **{totals[1]:,}** | **{totals[2]:,}** |")
    verdict = "within" if totals[2] <= BUDGET_BROTLI else "OVER"
    table = "\n".join(
        [
            "Bytes of every file the page transfers (`dist/`), release build:",
            "",
            "| file | raw | gzip -9 | brotli -q 11 |",
            "|---|---:|---:|---:|",
            *rows,
            "",
            f"Budget: {BUDGET_BROTLI:,} bytes brotli for everything: **{verdict}** budget.",
        ]
    )
    print(table)


if __name__ == "__main__":
    main(sys.argv[1])
