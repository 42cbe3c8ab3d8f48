"""Shrinks a wasm-bindgen module pair (its JS glue and its wasm) for the
network, without changing what either does:

- the names under which the wasm imports the glue's functions
  (`__wbg_addEventListener_f2d27251d333a631`: a 16-hex-digit hash each,
  which no compressor can shrink, written once in the wasm and once in the
  JS) become short ones (`a`, `b`, …), in both files alike;
- the import module's name (`./<bin>_bg.js`, written once per import in
  the wasm) becomes the empty name, in both files alike (measured on the
  page: 286 bytes brotli less than `./conncheck_bg.js`, where `a` was 82
  more);
- the names under which the glue calls the wasm's exports
  (`wasm.wasm_bindgen_…___convert__closures_____invoke…`) become short
  ones too, where the glue calls them as `wasm.<name>` (the only way
  wasm-bindgen's glue does);
- the JS is minified by terser (tools/package.json);
- the wasm's functions are laid out so that similar ones sit together,
  where the compressor finds their shared bytes ([`order_functions`]):
  a greedy walk from each function to the unplaced one that shares the
  most of its 4-byte sequences (the rarer a sequence, the more it counts),
  then binaryen's own reordering by name, with names that encode that
  order. What the module does is unchanged.

Used by scripts/postbuild.py on the page's module and on the modules
fetched on demand. Measured on the page: JS 7,950 -> about 4,200 bytes
brotli, the wasm's import section 3,124 -> about 800.
"""
import collections
import math
import pathlib
import re
import string
import subprocess
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
TERSER = ROOT / "tools/node_modules/.bin/terser"
WASM_OPT = ROOT / "tools/node_modules/.bin/wasm-opt"
# The one import module of wasm-bindgen's glue: `{ "./<name>_bg.js": import0 }`.
IMPORT_MODULE = re.compile(r'^\./[\w-]+_bg\.js$')
# What it is renamed to: a valid module name, and `imports[""]` in JS.
SHORT_MODULE = ""
ALPHABET = string.ascii_letters


def leb(data: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def uleb(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def name_bytes(text: str) -> bytes:
    data = text.encode()
    return uleb(len(data)) + data


def short_name(n: int) -> str:
    """a, b, …, Z, ba, bb, …: property names (keywords are fine as such)."""
    digits = ALPHABET[n % len(ALPHABET)]
    n //= len(ALPHABET)
    while n:
        digits = ALPHABET[n % len(ALPHABET)] + digits
        n //= len(ALPHABET)
    return digits


def import_desc_end(payload: bytes, i: int) -> int:
    """Where the import description starting at `i` ends."""
    kind = payload[i]
    i += 1
    if kind == 0:  # function: type index
        return leb(payload, i)[1]
    if kind in (1, 2):  # table (reftype, limits) or memory (limits)
        if kind == 1:
            i += 1
        flags, i = leb(payload, i)
        _, i = leb(payload, i)
        if flags & 1:
            _, i = leb(payload, i)
        return i
    if kind == 3:  # global: valtype, mutability
        return i + 2
    if kind == 4:  # tag: attribute, type index
        return leb(payload, i + 1)[1]
    raise SystemExit(f"shrink_glue: unknown import kind {kind}")


def sections(wasm: bytes) -> list[tuple[int, bytes]]:
    """(id, payload) of every section of a wasm module."""
    out, i = [], 8
    while i < len(wasm):
        size, start = leb(wasm, i + 1)
        out.append((wasm[i], wasm[start : start + size]))
        i = start + size
    return out


def module(header: bytes, secs: list[tuple[int, bytes]]) -> bytes:
    """The module of these sections after `header` (magic and version)."""
    out = bytearray(header)
    for sid, payload in secs:
        out += bytes([sid]) + uleb(len(payload)) + payload
    return bytes(out)


def rewrite_section(wasm: bytes, target: int, rewrite) -> bytes:
    """The module with section `target`'s payload replaced by `rewrite(payload)`."""
    secs = [(sid, rewrite(p) if sid == target else p) for sid, p in sections(wasm)]
    return module(wasm[:8], secs)


def function_bodies(code: bytes) -> list[bytes]:
    """The function bodies of a code section's payload."""
    count, i = leb(code, 0)
    bodies = []
    for _ in range(count):
        size, i = leb(code, i)
        bodies.append(code[i : i + size])
        i += size
    return bodies


def imported_functions(payload: bytes) -> int:
    """How many functions an import section's payload imports."""
    count, i = leb(payload, 0)
    functions = 0
    for _ in range(count):
        for _ in range(2):  # module and field names
            length, i = leb(payload, i)
            i += length
        functions += payload[i] == 0
        i = import_desc_end(payload, i)
    return functions


def rename_exports(wasm: bytes, keep) -> tuple[bytes, dict[str, str]]:
    """The module with its exports renamed short where `keep(name)` is
    false, and old -> new."""
    renames = {}

    def renamed(payload: bytes) -> bytes:
        count, j = leb(payload, 0)
        section = bytearray(uleb(count))
        for _ in range(count):
            length, j = leb(payload, j)
            name = payload[j : j + length].decode()
            j += length
            _, end = leb(payload, j + 1)  # kind, index
            desc = payload[j:end]
            j = end
            if not keep(name):
                name = renames.setdefault(name, "_" + short_name(len(renames)))
            section += name_bytes(name) + desc
        return bytes(section)

    return rewrite_section(wasm, 7, renamed), renames


def rename_imports(wasm: bytes) -> tuple[bytes, dict[str, str], set[str]]:
    """The module with the glue's import names (and their module's name)
    shortened, old -> new, and the module names it replaced."""
    renames = {}
    modules = set()

    def renamed(payload: bytes) -> bytes:
        count, j = leb(payload, 0)
        section = bytearray(uleb(count))
        for _ in range(count):
            length, j = leb(payload, j)
            module_name = payload[j : j + length].decode()
            j += length
            length, j = leb(payload, j)
            field = payload[j : j + length].decode()
            j += length
            end = import_desc_end(payload, j)
            desc = payload[j:end]
            j = end
            if IMPORT_MODULE.match(module_name):
                field = renames.setdefault(field, short_name(len(renames)))
                modules.add(module_name)
                module_name = SHORT_MODULE
            section += name_bytes(module_name) + name_bytes(field) + desc
        return bytes(section)

    wasm = rewrite_section(wasm, 2, renamed)
    return wasm, renames, modules


def similar_first(bodies: list[bytes], gram: int = 4, spread: float = 1.0) -> list[int]:
    """The functions' indices in an order where each is followed by the
    unplaced one that shares the most of its `gram`-byte sequences, per
    (sequences it has) ** `spread`, a sequence weighing the more the fewer
    functions hold it (log N / holders); where none shares any, the largest
    unplaced one. Deterministic."""
    grams = [{body[i : i + gram] for i in range(max(1, len(body) - gram + 1))} for body in bodies]
    holders = collections.defaultdict(list)
    for n, seqs in enumerate(grams):
        for seq in seqs:
            holders[seq].append(n)
    weight = {seq: math.log(len(bodies) / len(held)) for seq, held in holders.items()}
    placed = [False] * len(bodies)
    order = []
    current = max(range(len(bodies)), key=lambda n: (len(bodies[n]), -n), default=None)
    while current is not None:
        placed[current] = True
        order.append(current)
        shared = collections.defaultdict(float)
        for seq in grams[current]:
            for m in holders[seq]:
                if not placed[m]:
                    shared[m] += weight[seq]
        if shared:
            current = max(shared, key=lambda m: (shared[m] / (len(grams[m]) + 1) ** spread, -m))
        else:
            rest = [m for m in range(len(bodies)) if not placed[m]]
            current = max(rest, key=lambda m: (len(bodies[m]), -m), default=None)
    return order


# The layouts `order_functions` tries, as (gram, spread) of `similar_first`:
# which compresses best depends on the code (measured 2026-12-06 on two
# builds of the page: each of these was the best on one of them, by up to
# 600 bytes brotli), so each build takes the smallest.
LAYOUTS = [(4, 1.0), (4, 0.75), (3, 1.0), (3, 0.75)]


def order_functions(wasm_path: pathlib.Path, features: list[str]) -> None:
    """Lays the module's functions out in the [`similar_first`] order of
    [`LAYOUTS`] whose module is smallest in brotli -q 11: a name section
    whose names sort in that order, binaryen's `--reorder-functions-by-name`,
    and the names stripped again."""
    wasm = wasm_path.read_bytes()
    secs = sections(wasm)
    imports = sum(imported_functions(p) for sid, p in secs if sid == 2)
    bodies = [body for sid, p in secs if sid == 10 for body in function_bodies(p)]
    unnamed = [(sid, p) for sid, p in secs if not (sid == 0 and p.startswith(name_bytes("name")))]
    best = None
    with tempfile.TemporaryDirectory() as tmp:
        for n_layout, (gram, spread) in enumerate(LAYOUTS):
            place = {n: p for p, n in enumerate(similar_first(bodies, gram, spread))}
            names = bytearray(uleb(len(bodies)))
            for n in range(len(bodies)):
                names += uleb(imports + n) + name_bytes(f"{place[n]:08}")
            name_section = name_bytes("name") + bytes([1]) + uleb(len(names)) + names
            named_path = pathlib.Path(tmp, "named.wasm")
            named_path.write_bytes(module(wasm[:8], unnamed + [(0, name_section)]))
            out_path = pathlib.Path(tmp, f"laid-out-{n_layout}.wasm")
            subprocess.run(
                [str(WASM_OPT), *features, "--reorder-functions-by-name", "--strip-debug",
                 str(named_path), "-o", str(out_path)],
                check=True,
            )
            laid_out = out_path.read_bytes()
            size = len(subprocess.run(["brotli", "-c", "-q", "11"], input=laid_out, capture_output=True, check=True).stdout)
            if best is None or size < best[0]:
                best = (size, laid_out)
    wasm_path.write_bytes(best[1])


def shrink(js_path: pathlib.Path, wasm_path: pathlib.Path, features: list[str]) -> None:
    """Rewrites the pair in place; `features` are wasm-opt's feature flags
    for the module (index.html's `data-wasm-opt-params`)."""
    wasm, renames, modules = rename_imports(wasm_path.read_bytes())
    js = js_path.read_text(encoding="utf-8")
    for module_name in modules:
        # The imports object's one key for it: `"./<bin>_bg.js": import0`.
        js, found = re.subn(rf'"{re.escape(module_name)}":', f'"{SHORT_MODULE}":', js)
        if found != 1:
            raise SystemExit(f"shrink_glue: {js_path.name} names {module_name} {found} times, not once")
    for old, new in renames.items():
        # Each name is a key of the imports object: `    name: function`.
        js, found = re.subn(rf"(?m)^(\s+){re.escape(old)}:", rf"\g<1>{new}:", js)
        if found != 1:
            raise SystemExit(f"shrink_glue: {js_path.name} defines {old} {found} times, not once")
    called = set(re.findall(r"\bwasm\.([A-Za-z_$][\w$]*)", js))
    wasm, renames = rename_exports(wasm, lambda name: name not in called or name == "memory")
    for old, new in renames.items():
        js = re.sub(rf"\bwasm\.{re.escape(old)}\b", f"wasm.{new}", js)
    wasm_path.write_bytes(wasm)
    order_functions(wasm_path, features)
    js_path.write_bytes(minify(js.encode()))


def minify(source: bytes) -> bytes:
    """An ES module minified by terser."""
    return subprocess.run(
        [str(TERSER), "--module", "--compress", "--mangle"],
        input=source,
        capture_output=True,
        check=True,
    ).stdout
