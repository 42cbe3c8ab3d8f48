// Run before the page's loader (crates/lab/tests/trap.rs): counts the calls
// from JS into every wasm module (below the loader's guard) and records the
// first trap; keeps the page module's memory (`conncheck-<hash>_bg.wasm`; the
// support and QR modules are `conncheck-support-…`, `conncheck-qr-…`);
// `__exhaust()` grows it until the engine refuses a single page more and
// returns its size before. The body's boot mark records the counts then.
window.__trap = { entries: 0, modules: [], memory: null, error: null, at: null };
const real = WebAssembly.instantiateStreaming.bind(WebAssembly);
WebAssembly.instantiateStreaming = async (source, imports) => {
  const response = await source;
  const name = new URL(response.url).pathname.split('/').pop();
  const r = await real(response, imports);
  const exports = {};
  for (const k in r.instance.exports) {
    const f = r.instance.exports[k];
    exports[k] = typeof f !== 'function' ? f : (...a) => {
      __trap.entries += 1;
      try { return f(...a); } catch (e) {
        if (e instanceof WebAssembly.RuntimeError && !__trap.error) __trap.error = { message: e.message, module: name };
        throw e;
      }
    };
  }
  __trap.modules.push(name);
  if (/^conncheck-[0-9a-f]+_bg\.wasm$/.test(name)) __trap.memory = r.instance.exports.memory;
  return { module: r.module, instance: { exports } };
};
window.__exhaust = () => {
  const memory = __trap.memory, before = memory.buffer.byteLength;
  for (let pages = 65536; pages >= 1;) { try { memory.grow(pages); } catch (e) { pages >>= 1; } }
  return before;
};
new MutationObserver(() => {
  const b = document.body;
  if (b && b.dataset.conncheckBoot && !__trap.at) __trap.at = { entries: __trap.entries, reports: b.dataset.conncheckReports, boot: b.dataset.conncheckBoot };
}).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-conncheck-boot'] });
