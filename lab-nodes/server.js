// The official Node Socket.IO server as a lab peer, in one of several modes.
// Usage: node server.js --port N [--mode MODE] [--path /socket.io] [--ping-interval MS]
//        [--ping-timeout MS] [--name POD]
// Modes: healthy (v4), polling-only, websocket-only, eio3 (socket.io 2.x).
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
const pingInterval = Number(args["ping-interval"] || 25000);
const pingTimeout = Number(args["ping-timeout"] || 20000);
const name = args.name || "node";

const server = http.createServer((req, res) => {
  res.writeHead(404, { "content-type": "text/plain" });
  res.end(`not found on ${name}\n`);
});

const refuseAdmin = (socket, next) => {
  const err = new Error("not authorized");
  err.data = { reason: "lab: /admin always refuses" };
  next(err);
};

let io;
if (mode === "eio3") {
  io = require("socket.io-v2")(server, { path, pingInterval, pingTimeout });
  io.of("/admin").use(refuseAdmin);
} else {
  const { Server } = require("socket.io");
  const transports = { healthy: ["polling", "websocket"], "polling-only": ["polling"], "websocket-only": ["websocket"] }[mode];
  if (!transports) {
    console.error(`unknown mode ${mode}`);
    process.exit(2);
  }
  io = new Server(server, { path, pingInterval, pingTimeout, transports });
  io.of("/admin").use(refuseAdmin);
}
io.on("connection", (socket) => socket.emit("hello", name));

server.listen(port, "127.0.0.1", () => {
  console.log(`listening ${server.address().port}`);
});
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => process.exit(0));
