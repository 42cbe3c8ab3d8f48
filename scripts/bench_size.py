"""Transferred size of the built page (HTML + JS + wasm + CSS + config):
raw, gzip -9 and brotli -q 11, per file and in total, as a Markdown table;
then where the wasm's bytes go: its sections, and the code per crate as the
name section of Trunk's module before wasm-opt tells it (wasm-opt drops the
names; its -Oz shrinks every crate's code by a similar share). The support
view's module (`conncheck-support-*`, fetched only to open a shared report)
and the QR encoder's (`conncheck-qr-*`, fetched only to draw a QR code) are
listed apart, outside the page's total."""

import collections
import gzip
import pathlib
import re
import subprocess
import sys

import shrink_glue
from shrink_glue import function_bodies, imported_functions, leb

BUDGET_BROTLI = 150 * 1000  # issue 6: everything, brotli
# Trunk's wasm-bindgen output, before wasm-opt: still has its name section.
NAMED_WASM = pathlib.Path(__file__).resolve().parent.parent / "target/wasm-bindgen/release/conncheck-page_bg.wasm"
SECTION_NAMES = {10: "code", 11: "data", 2: "imports", 7: "exports"}
TOP_CRATES = 12
# Fetched only on demand (scripts/build.sh), outside the page's total.
ON_DEMAND = {"conncheck-support-": "support view", "conncheck-qr-": "QR code"}
SERDE = "serde, across crates"


def sections(data: bytes) -> list[tuple[int, str, bytes]]:
    """(id, custom name or "", payload) of every section of a wasm module."""
    out = []
    for sid, payload in shrink_glue.sections(data):
        name = ""
        if sid == 0:
            length, j = leb(payload, 0)
            name = payload[j : j + length].decode("utf-8", "replace")
        out.append((sid, name, payload))
    return out


def crate_of(name: str) -> str:
    """The crate a (legacy- or v0-mangled) function name belongs to; for
    `<A as B>::f` the crate of A, where the code was instantiated for."""
    legacy = re.match(r"_ZN(\d+)(.*)", name)
    if legacy:
        first = legacy.group(2)[: int(legacy.group(1))]
        first = first.replace("$LT$", "").replace("$RF$", "").replace("..", "::").replace("$u20$", " ")
        first = first.lstrip("_").removeprefix("impl ")
        return re.split(r"::| ", first)[0] or "?"
    v0 = re.search(r"Cs[0-9a-zA-Z]*_\d*?(\d+)([a-z_][a-z0-9_]*)", name)
    if name.startswith("_R") and v0:
        return v0.group(2)[: int(v0.group(1))]
    # Demangled, as wasm-bindgen leaves them: `<a::B as c::D>::f::h…`.
    plain = re.sub(r"^(<|&|mut |dyn |impl |\[|\()+", "", name)
    crate = re.split(r"::|<| |\[", plain)[0]
    return re.sub(r"\[[0-9a-f]+\]$", "", crate) or "(other)"


def code_by_crate(path: pathlib.Path) -> collections.Counter:
    secs = sections(path.read_bytes())
    imports = sum(imported_functions(p) for sid, _, p in secs if sid == 2)
    bodies = [len(body) for sid, _, p in secs if sid == 10 for body in function_bodies(p)]
    names = {}
    for sid, name, payload in secs:
        if sid == 0 and name == "name":
            i = leb(payload, 0)[1] + len(name)
            while i < len(payload):
                sub = payload[i]
                size, i = leb(payload, i + 1)
                if sub == 1:
                    count, j = leb(payload, i)
                    for _ in range(count):
                        index, j = leb(payload, j)
                        length, j = leb(payload, j)
                        names[index] = payload[j : j + length].decode("utf-8", "replace")
                        j += length
                i += size
    by = collections.Counter()
    for k, size in enumerate(bodies):
        name = names.get(imports + k, "")
        by[crate_of(name)] += size
        # A cross-cut: the serde code of every crate (derives, visitors, serde_json).
        if re.search(r"serializ|Serializ|serde", name):
            by[SERDE] += size
    return by


def wasm_breakdown(wasm: pathlib.Path) -> list[str]:
    lines = ["", f"Where the wasm's bytes go (`{wasm.name}`), by section, each compressed alone:", ""]
    lines += ["| section | raw | brotli -q 11 |", "|---|---:|---:|"]
    grouped = collections.defaultdict(bytes)
    for sid, name, payload in sections(wasm.read_bytes()):
        grouped[SECTION_NAMES.get(sid, "custom " + name if sid == 0 else "other")] += payload
    for what, payload in sorted(grouped.items(), key=lambda kv: -len(kv[1])):
        lines.append(f"| {what} | {len(payload):,} | {brotli_size(payload):,} |")
    if not NAMED_WASM.exists():
        return lines
    by = code_by_crate(NAMED_WASM)
    serde = by.pop(SERDE, 0)
    total = sum(by.values())
    lines += ["", "Code per crate, before wasm-opt (function bodies named in the name section):", ""]
    lines += ["| crate | code bytes | share |", "|---|---:|---:|"]
    for crate, size in by.most_common(TOP_CRATES):
        lines.append(f"| {crate} | {size:,} | {100 * size / total:.1f} % |")
    rest = total - sum(s for _, s in by.most_common(TOP_CRATES))
    lines.append(f"| the other {max(len(by) - TOP_CRATES, 0)} | {rest:,} | {100 * rest / total:.1f} % |")
    lines.append(f"| *of all these: serde (derived impls, visitors, serde_json)* | *{serde:,}* | *{100 * serde / total:.1f} %* |")
    return lines


def brotli_size(data: bytes) -> int:
    out = subprocess.run(["brotli", "-c", "-q", "11"], input=data, capture_output=True, check=True)
    return len(out.stdout)


def main(dist: str) -> None:
    # The .gz files are the same assets precompressed for gzip_static.
    every = sorted(p for p in pathlib.Path(dist).iterdir() if p.is_file() and p.suffix != ".gz")
    on_demand = lambda p: next((what for prefix, what in ON_DEMAND.items() if p.name.startswith(prefix)), None)
    files = [p for p in every if on_demand(p) is None]
    support = sorted((p for p in every if on_demand(p)), key=lambda p: (on_demand(p), p.suffix))
    rows, totals, old_browsers = [], [0, 0, 0], []
    for path in files:
        data = path.read_bytes()
        sizes = [len(data), len(gzip.compress(data, 9)), brotli_size(data)]
        row = f"{sizes[0]:,} | {sizes[1]:,} | {sizes[2]:,} |"
        # A browser with modules skips `<script nomodule>`; one without
        # fetches it and none of the module files: never both.
        if path.name == "nomodule.js":
            old_browsers.append(f"| nomodule js (browsers without modules fetch this instead of the js and wasm) | {row}")
            continue
        totals = [t + s for t, s in zip(totals, sizes)]
        kind = "loader js" if path.name.startswith("loader-") else path.suffix.lstrip(".")
        rows.append(f"| {kind} | {row}")
    rows.append(f"| **total** | **{totals[0]:,}** | **{totals[1]:,}** | **{totals[2]:,}** |")
    rows += old_browsers
    verdict = "within" if totals[2] <= BUDGET_BROTLI else "OVER"
    support_rows, support_totals = [], [0, 0, 0]
    for path in support:
        data = path.read_bytes()
        sizes = [len(data), len(gzip.compress(data, 9)), brotli_size(data)]
        support_totals = [t + s for t, s in zip(support_totals, sizes)]
        support_rows.append(f"| {on_demand(path)} {path.suffix.lstrip('.')} | {sizes[0]:,} | {sizes[1]:,} | {sizes[2]:,} |")
    if support:
        t = support_totals
        support_rows.append(f"| **fetched on demand, total** | **{t[0]:,}** | **{t[1]:,}** | **{t[2]:,}** |")
    table = "\n".join(
        [
            "Bytes of every file a browser transfers for the page (`dist/`), release build:",
            "",
            "| file | raw | gzip -9 | brotli -q 11 |",
            "|---|---:|---:|---:|",
            *rows,
            "",
            f"Budget: {BUDGET_BROTLI:,} bytes brotli for everything: **{verdict}** budget.",
            *(
                [
                    "",
                    "Fetched only on demand, not part of the page: the support view to open a shared report (`#report=` link or the import box), the QR code when asked for:",
                    "",
                    "| file | raw | gzip -9 | brotli -q 11 |",
                    "|---|---:|---:|---:|",
                    *support_rows,
                ]
                if support
                else []
            ),
            *[line for wasm in files if wasm.suffix == ".wasm" for line in wasm_breakdown(wasm)],
        ]
    )
    print(table)


if __name__ == "__main__":
    main(sys.argv[1])
