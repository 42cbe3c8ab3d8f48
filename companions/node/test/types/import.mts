// The ESM entry as `import` gives it: named exports and a default export
// that is the CommonJS module.exports.
import companion, {
  attach,
  DEFAULT_NAMESPACE,
  PROTOCOL_VERSION,
  RATE_MAX,
  RATE_WINDOW_MS,
  type Companion,
  type CompanionOptions,
} from "conncheck-companion";
import { Server } from "socket.io";

const io = new Server();
const options: CompanionOptions = { key: Buffer.alloc(32) };
const first: Companion = attach(io, options);
const second: Companion = companion.attach(io, { namespace: "/other" });
const values: [number, string, number, number] = [PROTOCOL_VERSION, DEFAULT_NAMESPACE, RATE_MAX, RATE_WINDOW_MS];
const same: typeof attach = companion.attach;
// @ts-expect-error the default export is module.exports itself.
companion.default.attach(io);

export { first, second, values, same };
