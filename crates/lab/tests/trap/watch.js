// Run before the page's loader (crates/lab/tests/trap/): counts the calls
// from JS into every wasm module (below the loader's guard) and records the
// first trap and the module it left (`page`, `support` or `qr`, by the wasm's
// name: `conncheck-<hash>_bg.wasm`, `conncheck-support-…`, `conncheck-qr-…`).
// `__exhaust(kind)` grows that module's memory until the engine refuses a
// single page more and returns its size before; a module whose kind is in
// `__trap.exhaustAtStart` gets that as soon as it is instantiated. The body's
// boot mark records the counts then.
window.__trap = { entries: 0, memories: {}, error: null, at: null, exhaustAtStart: [] };
const kindOf = (name) => name.startsWith('conncheck-support-') ? 'support' : name.startsWith('conncheck-qr-') ? 'qr' : 'page';
const real = WebAssembly.instantiateStreaming.bind(WebAssembly);
WebAssembly.instantiateStreaming = async (source, imports) => {
  const response = await source;
  const kind = kindOf(new URL(response.url).pathname.split('/').pop());
  const r = await real(response, imports);
  const exports = {};
  for (const k in r.instance.exports) {
    const f = r.instance.exports[k];
    exports[k] = typeof f !== 'function' ? f : (...a) => {
      __trap.entries += 1;
      try { return f(...a); } catch (e) {
        if (e instanceof WebAssembly.RuntimeError && !__trap.error) __trap.error = { message: e.message, module: kind };
        throw e;
      }
    };
  }
  __trap.memories[kind] = r.instance.exports.memory;
  if (__trap.exhaustAtStart.includes(kind)) __exhaust(kind);
  return { module: r.module, instance: { exports } };
};
window.__exhaust = (kind) => {
  const memory = __trap.memories[kind], before = memory.buffer.byteLength;
  for (let pages = 65536; pages >= 1;) { try { memory.grow(pages); } catch (e) { pages >>= 1; } }
  return before;
};
new MutationObserver(() => {
  const b = document.body;
  if (b && b.dataset.conncheckBoot && !__trap.at) __trap.at = { entries: __trap.entries, reports: b.dataset.conncheckReports, boot: b.dataset.conncheckBoot };
}).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-conncheck-boot'] });
