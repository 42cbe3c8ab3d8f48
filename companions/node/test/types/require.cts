// The CommonJS entry as `require` gives it: module.exports, no `default`.
import companion = require("conncheck-companion");
import { Server } from "socket.io";

const io = new Server();
const attached: companion.Companion = companion.attach(io, {
  namespace: "/conncheck",
  key: "a-key-of-16-bytes-or-more",
});
const pod: string = attached.pod;
const name: string = attached.namespace.name;
const version: number = companion.PROTOCOL_VERSION;
const limits: number = companion.RATE_MAX + companion.RATE_WINDOW_MS;
const namespace: string = companion.DEFAULT_NAMESPACE;
// @ts-expect-error module.exports has no `default`; at run time it is undefined.
companion.default.attach(io);
// @ts-expect-error the key is a string or a Buffer.
companion.attach(io, { key: 16 });

export { pod, name, version, limits, namespace };
