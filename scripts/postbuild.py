#!/usr/bin/env python3
"""Post-build step for dist/: makes the page run under a strict
Content-Security-Policy (script-src 'self', style-src 'self') and ready for
gzip_static.

Trunk injects its wasm loader as an inline <script type="module"> (Trunk
issue 288), which script-src 'self' forbids. This replaces it by a hashed
file loaded with <script type="module" src integrity>: the same start, but
with a dynamic import, so that a blocked JS or wasm file, or a browser
without WebAssembly, reveals the static shell's guidance (#boot-failed in
index.html) instead of leaving "Checking your connection…" forever. Then it
refuses a page that still has inline script or style, and writes .gz copies
of the hashed assets.

The loader also guards every call between JS and a wasm module (the
page's and those below), by wrapping what WebAssembly.instantiate and
instantiateStreaming take and give: a trap (WebAssembly.RuntimeError; with
panic=immediate-abort a Rust panic is one, without a message) in any
module stops them all, marks the body data-conncheck-boot="stopped" and
puts the static shell's guidance back in place of the frozen view, with a
copy of the last complete report's text and link (docs/contracts.md,
automation hooks; crates/lab/tests/trap.rs).

The page's module and the ones fetched on demand are shrunk first
(scripts/shrink_glue.py: short import names, minified JS) and renamed
by their new content.

The modules the page fetches only on demand, the support view (a shared
report opened from a `#report=` link or the import box) and the QR
encoder, are built by scripts/build.sh into the folder given as the
second argument: this copies them into dist/ under hashed names, and the
loader offers them to the page as `window.conncheckSupport()` and
`window.conncheckQr()`, each a promise of the started module, fetched on
first call only.
"""
import base64
import gzip
import hashlib
import pathlib
import re
import shutil
import sys
import tempfile

import shrink_glue

TRUNK_IMPORT = re.compile(r"import init, \* as bindings from '(\./[\w.-]+\.js)';")
TRUNK_WASM = re.compile(r"module_or_path: '(\./[\w.-]+\.wasm)'")
# The loader: starts the app like Trunk's, and on failure shows why in the shell.
LOADER = """const $ = (id) => document.getElementById(id);
const app = $('app');
// The static shell: the app replaces it, a trap puts it back.
const shell = app.firstElementChild;
// A copy of the share panel's report text and link (values included) as
// the body's hooks last changed, after a render: the last complete report.
let kept = null;
let dead = false;
const failed = (why, mark = 'failed') => {
  // data-conncheck-boot
  document.body.dataset.conncheckBoot = mark;
  $('boot-reason').textContent = why;
  $('boot-failed').hidden = false;
};
// A trap (a Rust panic aborts: WebAssembly.RuntimeError) in any module: its
// state is lost, so no module runs again and the shell's guidance replaces
// the frozen view, with the last report still to copy.
const trapped = () => {
  if (dead) return;
  dead = true;
  app.replaceChildren(shell);
  $('boot-title').textContent = 'The check stopped';
  const report = $('boot-report');
  if (kept) {
    kept.open = true;
    report.after(kept);
    report.hidden = false;
  }
  failed('The check\\'s program stopped on an internal error: reload the page to check again.', 'stopped');
};
const guard = (f) => (...a) => {
  // A stopped module's callbacks (timers, sockets, listeners) end here.
  if (dead) throw 'conncheck stopped';
  try {
    return f(...a);
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) trapped();
    throw e;
  }
};
const wrap = (o) => {
  const w = {};
  for (const k in o) w[k] = typeof o[k] == 'function' ? guard(o[k]) : o[k];
  return w;
};
// Imports a module's glue and starts its wasm; resolves to the glue.
const load = async (js, wasm) => {
  const module = await import(js);
  await module.default({ module_or_path: wasm });
  return module;
};
const start = async () => {
  if (typeof WebAssembly !== 'object') {
    failed('This browser does not run WebAssembly, which the check needs: it is too old, or WebAssembly is turned off (for example by a lockdown or hardening mode).');
    return;
  }
  try {
    // Every call between JS and any wasm module passes a guard: its imports
    // and its exports (wasm-bindgen's glue instantiates through these two).
    for (const k of ['instantiate', 'instantiateStreaming']) {
      // Older engines lack instantiateStreaming: the glue then does without.
      const real = WebAssembly[k];
      if (real) WebAssembly[k] = async (source, imports) => {
        const i = {};
        for (const n in imports) i[n] = wrap(imports[n]);
        const r = await real.call(WebAssembly, source, i);
        // (Given a Module, instantiate gives an Instance: r.module is then
        // undefined, and the glue takes the result's instance.)
        return { ...r, instance: { exports: wrap(r.instance.exports) } };
      };
    }
    new MutationObserver(() => {
      const text = $('report-text');
      if (text) kept = text.parentNode.cloneNode(true);
    }).observe(document.body, { attributes: true });
    // Unlike Trunk's loader, no window.wasmBindings and no
    // TrunkApplicationStarted event: nothing here uses them.
    await load(__JS__, __WASM__);
  } catch (e) {
    if (!dead) failed('The check\\'s program (a WebAssembly file) did not load or did not start: a proxy, firewall or security program may block it, or the download broke off.');
  }
};
const onDemand = (js, wasm) => {
  let started = null;
  return () => {
    if (started === null) {
      started = load(js, wasm);
      // A failed download may be tried again.
      started.catch(() => { started = null; });
    }
    return started;
  };
};
window.conncheckSupport = onDemand(__SUPPORT__);
window.conncheckQr = onDemand(__QR__);
start();
"""
# The static shell's elements (index.html) the loader fills on a failure.
SHELL_IDS = ["app", "boot-title", "boot-reason", "boot-failed", "boot-report"]
# Trunk minifies index.html in release builds: attribute quotes are optional.
INLINE_MODULE = re.compile(r'<script type="?module"?>(.*?)</script>', re.S)
HASHED_ASSET = re.compile(r"-[0-9a-f]{1,16}(_bg)?\.(js|wasm|css)$")


def wasm_features() -> list[str]:
    """The wasm features index.html gives wasm-opt (`--enable-…`)."""
    source = pathlib.Path(__file__).resolve().parent.parent / "index.html"
    params = re.search(r'data-wasm-opt-params="([^"]*)"', source.read_text(encoding="utf-8"))
    return [flag for flag in (params.group(1).split() if params else []) if flag.startswith("--enable-")]


def hashed_copy(source: pathlib.Path, dist: pathlib.Path, stem: str, suffix: str) -> str:
    """Copies `source` into `dist` as `<stem>-<hash><suffix>`; returns its URL."""
    data = source.read_bytes()
    name = f"{stem}-{hashlib.sha256(data).hexdigest()[:16]}{suffix}"
    (dist / name).write_bytes(data)
    return f"./{name}"


def integrity(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def on_demand_module(dist: pathlib.Path, built: pathlib.Path | None, name: str) -> str:
    """The JS and wasm URLs of the module `name`, copied from `built` and
    shrunk (shrink_glue), as the loader's arguments. Not .._bg.wasm: the
    page's own module is the one wasm of that name."""
    if built is None:
        return f"'./{name}-missing.js', ''"
    with tempfile.TemporaryDirectory() as tmp:
        js, wasm = pathlib.Path(tmp, f"{name}.js"), pathlib.Path(tmp, f"{name}.wasm")
        shutil.copy(built / f"{name}.js", js)
        shutil.copy(built / f"{name}_bg.wasm", wasm)
        shrink_glue.shrink(js, wasm, wasm_features())
        js_url = hashed_copy(js, dist, name, ".js")
        wasm_url = hashed_copy(wasm, dist, name, ".wasm")
    return f"{js_url!r}, {wasm_url!r}"


def shrink_page_module(dist: pathlib.Path, html: str, js_url: str, wasm_url: str) -> tuple[str, str, str]:
    """Shrinks Trunk's pair (shrink_glue) under new hashed names; returns
    the HTML with its preload links updated, and the new URLs."""
    old_js, old_wasm = dist / js_url.removeprefix("./"), dist / wasm_url.removeprefix("./")
    shrink_glue.shrink(old_js, old_wasm, wasm_features())
    stem = old_js.name.rsplit("-", 1)[0]
    new_js = hashed_copy(old_js, dist, stem, ".js")
    new_wasm = hashed_copy(old_wasm, dist, stem, "_bg.wasm")
    for old, new in [(old_js, new_js), (old_wasm, new_wasm)]:
        link = re.search(rf'<link [^>]*href="?\./{re.escape(old.name)}"?[^>]*>', html)
        if link is None:
            sys.exit(f"postbuild: no preload link of {old.name} in index.html")
        tag = re.sub(r'integrity="?[^" >]*"?', f'integrity="{integrity((dist / new.removeprefix("./")).read_bytes())}"', link.group(0))
        html = html.replace(link.group(0), tag.replace(f"./{old.name}", new))
        old.unlink()
    return html, new_js, new_wasm


def main(dist: pathlib.Path, on_demand: pathlib.Path | None = None) -> None:
    index = dist / "index.html"
    support = on_demand_module(dist, on_demand, "conncheck-support")
    qr = on_demand_module(dist, on_demand, "conncheck-qr")
    html = index.read_text(encoding="utf-8")
    loaders = INLINE_MODULE.findall(html)
    if len(loaders) > 1:
        sys.exit(f"postbuild: {index} has {len(loaders)} inline module scripts; expected Trunk's one loader")
    if loaders:
        missing = [i for i in SHELL_IDS if not re.search(rf'\sid="?{i}[" >]', html)]
        if missing:
            sys.exit(f"postbuild: {index} lacks the shell elements the loader fills: {missing}")
        js, wasm = TRUNK_IMPORT.search(loaders[0]), TRUNK_WASM.search(loaders[0])
        if not (js and wasm):
            sys.exit(f"postbuild: Trunk's loader in {index} has an unknown form:\n{loaders[0]}")
        html, js_url, wasm_url = shrink_page_module(dist, html, js.group(1), wasm.group(1))
        body = (
            LOADER.replace("__SUPPORT__", support)
            .replace("__QR__", qr)
            .replace("__JS__", repr(js_url))
            .replace("__WASM__", repr(wasm_url))
        )
        data = shrink_glue.minify(body.encode())
        name = f"loader-{hashlib.sha256(data).hexdigest()[:16]}.js"
        (dist / name).write_bytes(data)
        tag = f'<script type="module" src="./{name}" integrity="{integrity(data)}" crossorigin="anonymous"></script>'
        html = INLINE_MODULE.sub(lambda _: tag, html)
        index.write_text(html, encoding="utf-8")
    # What the CSP would still block: inline scripts, style elements and attributes.
    for pattern, what in [
        (r"<script(?![^>]*\bsrc=)[^>]*>", "an inline <script>"),
        (r"<style\b", "a <style> element"),
        (r"\sstyle=", "a style= attribute"),
        (r"\son[a-z]+=", "an inline event handler"),
    ]:
        if re.search(pattern, html):
            sys.exit(f"postbuild: {index} still has {what}, which the deploy CSP blocks")
    for asset in dist.iterdir():
        if HASHED_ASSET.search(asset.name):
            gz = asset.with_name(asset.name + ".gz")
            gz.write_bytes(gzip.compress(asset.read_bytes(), compresslevel=9, mtime=0))


if __name__ == "__main__":
    main(
        pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "dist"),
        pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else None,
    )
