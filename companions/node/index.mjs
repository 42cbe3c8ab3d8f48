// ESM entry of conncheck-companion: the same functions as the CommonJS entry.
import companion from "./index.js";

export const { attach, PROTOCOL_VERSION, DEFAULT_NAMESPACE, RATE_MAX, RATE_WINDOW_MS } = companion;
export default companion;
