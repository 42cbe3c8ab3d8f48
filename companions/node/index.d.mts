// Types of conncheck-companion's ESM entry (index.mjs): the same functions
// as named exports, and the CommonJS module.exports as the default export.
import companion = require("./index.js");

export type CompanionOptions = companion.CompanionOptions;
export type Companion = companion.Companion;
export declare const attach: typeof companion.attach;
export declare const PROTOCOL_VERSION: typeof companion.PROTOCOL_VERSION;
export declare const DEFAULT_NAMESPACE: typeof companion.DEFAULT_NAMESPACE;
export declare const RATE_MAX: typeof companion.RATE_MAX;
export declare const RATE_WINDOW_MS: typeof companion.RATE_WINDOW_MS;
export default companion;
