// conncheck-companion for Node socket.io: an opt-in namespace that tells the
// conncheck page an opaque id of the pod serving a session and how many
// servers its adapter reports, and relays a short nonce through the adapter so
// a session on another pod can confirm cross-pod delivery. The wire protocol
// is in docs/companion.md; the Rust crate crates/companion speaks it byte for
// byte.
"use strict";
const crypto = require("node:crypto");
const os = require("node:os");

const PROTOCOL_VERSION = 1;
const DEFAULT_NAMESPACE = "/conncheck";
// Room names and nonces: base64url characters only, so nothing a client sends
// is ever echoed with markup, separators or unbounded length.
const TOKEN = /^[A-Za-z0-9_-]{8,32}$/;
const ROOM_PREFIX = "conncheck-probe:";
// Per connection: at most RATE_MAX answered requests in a RATE_WINDOW_MS
// window; the page needs about five per session.
const RATE_WINDOW_MS = 10000;
const RATE_MAX = 20;
const NAMESPACE = /^\/[A-Za-z0-9_\-/]{1,63}$/;
const ATTACHED = Symbol("conncheck-companion");

// How long `hello` waits for the adapter's server count.
const COUNT_BOUND_MS = 1000;
const MAX_PODS = 1024;

// How many servers the adapter reports for this namespace (socket.io-adapter's
// serverCount(): 1 for the in-memory adapter; @socket.io/redis-adapter asks
// Redis PUBSUB NUMSUB of the namespace's request channel), or undefined when
// it cannot tell within COUNT_BOUND_MS.
function serverCount(nsp) {
  const adapter = nsp.adapter;
  if (!adapter || typeof adapter.serverCount !== "function") return Promise.resolve(undefined);
  let timer;
  const bound = new Promise((resolve) => {
    timer = setTimeout(resolve, COUNT_BOUND_MS);
  });
  return Promise.race([Promise.resolve().then(() => adapter.serverCount()), bound])
    .then(
      (n) => (Number.isInteger(n) && n >= 1 && n <= MAX_PODS ? n : undefined),
      () => undefined,
    )
    .finally(() => clearTimeout(timer));
}

// The opaque pod id: HMAC-SHA256 of the process's identity under a key that
// is random per process unless the operator gives one, cut to 64 bits. Never
// the host name itself; without the key it cannot be linked back to a host.
function podId(key) {
  const identity = `${os.hostname()}\n${process.pid}`;
  return crypto.createHmac("sha256", key).update(identity).digest("hex").slice(0, 16);
}

function checkKey(key) {
  if (key === undefined) return crypto.randomBytes(32);
  const bytes = typeof key === "string" ? Buffer.from(key, "utf8") : key;
  if (!Buffer.isBuffer(bytes) || bytes.length < 16) {
    throw new TypeError("conncheck-companion: options.key must be a string or Buffer of at least 16 bytes");
  }
  return bytes;
}

// A fixed window counter: deterministic, so the Node and Rust companions
// refuse exactly the same request.
function rateLimiter(now) {
  let start = -Infinity;
  let count = 0;
  return () => {
    const t = now();
    if (t - start >= RATE_WINDOW_MS) {
      start = t;
      count = 0;
    }
    count += 1;
    return count <= RATE_MAX;
  };
}

function isPlainObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

// The one argument of listen/send, or an error answer.
function readArg(args, fields) {
  if (args.length !== 1 || !isPlainObject(args[0])) return { error: "bad-request" };
  const out = {};
  for (const field of fields) {
    const value = args[0][field];
    if (typeof value !== "string" || !TOKEN.test(value)) return { error: `bad-${field}` };
    out[field] = value;
  }
  return { value: out };
}

function attach(io, options = {}) {
  if (!io || typeof io.of !== "function") {
    throw new TypeError("conncheck-companion: attach(io) needs a socket.io Server");
  }
  const name = options.namespace === undefined ? DEFAULT_NAMESPACE : options.namespace;
  if (typeof name !== "string" || !NAMESPACE.test(name)) {
    throw new TypeError("conncheck-companion: options.namespace must look like /conncheck");
  }
  const pod = podId(checkKey(options.key));
  const nsp = io.of(name);
  // A second attach would answer every request twice.
  if (nsp[ATTACHED]) throw new Error(`conncheck-companion: already attached to ${name}`);
  nsp[ATTACHED] = true;
  nsp.on("connection", (socket) => {
    const allow = rateLimiter(Date.now);
    // Every request is answered by exactly one ack (and a valid send by one
    // broadcast); a request that asks for no ack does nothing at all.
    // `answer` returns [reply, optional action to run after the ack].
    const handle = (event, answer) => {
      socket.on(event, (...args) => {
        const ack = args.length > 0 && typeof args[args.length - 1] === "function" ? args.pop() : null;
        if (!ack) return;
        if (!allow()) return ack({ ok: false, error: "rate-limited" });
        const answered = ([reply, then]) => {
          ack(reply);
          // After the ack, so a session listening to its own room sees the
          // ack first, as with the Rust companion.
          if (then) then();
        };
        const result = answer(args);
        // `hello` waits on the adapter; every other answer is immediate.
        if (result instanceof Promise) result.then(answered);
        else answered(result);
      });
    };
    handle("hello", () =>
      serverCount(nsp).then((pods) => [
        pods === undefined ? { ok: true, v: PROTOCOL_VERSION, pod } : { ok: true, v: PROTOCOL_VERSION, pod, pods },
      ]),
    );
    handle("listen", (args) => {
      const arg = readArg(args, ["room"]);
      if (arg.error) return [{ ok: false, error: arg.error }];
      for (const room of socket.rooms) if (room.startsWith(ROOM_PREFIX)) socket.leave(room);
      socket.join(ROOM_PREFIX + arg.value.room);
      return [{ ok: true }];
    });
    handle("send", (args) => {
      const arg = readArg(args, ["room", "nonce"]);
      if (arg.error) return [{ ok: false, error: arg.error }];
      // Through the adapter: with Redis it reaches listeners on every pod.
      const probe = { nonce: arg.value.nonce, from: pod };
      return [{ ok: true }, () => nsp.to(ROOM_PREFIX + arg.value.room).emit("probe", probe)];
    });
  });
  return { namespace: nsp, pod };
}

module.exports = { attach, PROTOCOL_VERSION, DEFAULT_NAMESPACE, RATE_MAX, RATE_WINDOW_MS };
