// The official Node Socket.IO server as a lab peer, in one of several modes.
// Usage: node server.js --port N [--mode MODE] [--path /socket.io] [--ping-interval MS]
//        [--ping-timeout MS] [--name POD] [--cors-origin ORIGIN]
// Without --ping-interval/--ping-timeout the server runs socket.io's
// production defaults (25 s / 20 s).
// Modes: healthy (v4), polling-only, websocket-only, eio3 (socket.io 2.x),
// forbidden (allowRequest refuses every request), stalled (answers the
// Engine.IO handshake, then never answers a later request of the session:
// a hung worker or a blocked event loop as a browser sees it).
// --cors-origin ORIGIN lets pages of ORIGIN call it with credentials.
// Every mode refuses the namespace /admin with an auth error, as an
// application's auth middleware would. Prints "listening PORT" when ready.
"use strict";
const http = require("http");

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => {
    if (arg.startsWith("--")) pairs.push([arg.slice(2), all[i + 1]]);
    return pairs;
  }, [])
);
const port = Number(args.port || 0);
const mode = args.mode || "healthy";
const path = args.path || "/socket.io";
const name = args.name || "node";
// Only what was asked for: socket.io's own defaults otherwise.
const options = { path };
if (args["ping-interval"]) options.pingInterval = Number(args["ping-interval"]);
if (args["ping-timeout"]) options.pingTimeout = Number(args["ping-timeout"]);
if (args["cors-origin"]) options.cors = { origin: args["cors-origin"], credentials: true };

const server = http.createServer((req, res) => {
  res.writeHead(404, { "content-type": "text/plain" });
  res.end(`not found on ${name}\n`);
});

const refuseAdmin = (socket, next) => {
  const err = new Error("not authorized");
  err.data = { reason: "lab: /admin always refuses" };
  next(err);
};

const V4_TRANSPORTS = {
  healthy: ["polling", "websocket"],
  "polling-only": ["polling"],
  "websocket-only": ["websocket"],
  forbidden: ["polling", "websocket"],
  stalled: ["polling", "websocket"],
};

let io;
if (mode === "eio3") {
  io = require("socket.io-v2")(server, options);
  io.of("/admin").use(refuseAdmin);
} else {
  const { Server } = require("socket.io");
  const transports = V4_TRANSPORTS[mode];
  if (!transports) {
    console.error(`unknown mode ${mode}`);
    process.exit(2);
  }
  if (mode === "forbidden") options.allowRequest = (req, callback) => callback("lab: refused", false);
  io = new Server(server, { ...options, transports });
  io.of("/admin").use(refuseAdmin);
}
io.on("connection", (socket) => socket.emit("hello", name));

if (mode === "stalled") stallSessions();

// Requests that carry a session id (polls, POSTs, WebSocket upgrades) are
// held unanswered; the handshake (no sid) goes to socket.io. At most
// MAX_HELD are held, each for at most HOLD_MS, then its connection is
// dropped without an answer.
function stallSessions() {
  const MAX_HELD = 256;
  const HOLD_MS = 120000;
  let held = 0;
  const hold = (socket) => {
    if (held >= MAX_HELD) return socket.destroy();
    held += 1;
    const timer = setTimeout(() => socket.destroy(), HOLD_MS);
    socket.once("close", () => {
      clearTimeout(timer);
      held -= 1;
    });
  };
  const hasSid = (req) => new URL(req.url, "http://lab").searchParams.has("sid");
  for (const event of ["request", "upgrade"]) {
    const listeners = server.listeners(event);
    server.removeAllListeners(event);
    server.on(event, (req, ...rest) => {
      if (hasSid(req)) return hold(req.socket);
      for (const listener of listeners) listener.call(server, req, ...rest);
    });
  }
}

server.listen(port, "127.0.0.1", () => {
  console.log(`listening ${server.address().port}`);
});
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => process.exit(0));
