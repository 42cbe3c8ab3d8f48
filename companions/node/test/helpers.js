// Shared by the companion's tests: real redis-server and socket.io pods as
// child processes on loopback ports, socket.io-client sessions, bounded waits.
"use strict";
const { spawn } = require("node:child_process");
const net = require("node:net");
const path = require("node:path");
const { io: connect } = require("socket.io-client");

const POD = path.join(__dirname, "fixtures", "pod.js");
// A "did not arrive" verdict waits this long: far above loopback Redis
// delivery (milliseconds), short enough to keep the suite quick.
const DELIVERY_BOUND_MS = 1500;
// Waits for something that should arrive end as soon as it does; this
// generous bound only keeps a loaded machine from failing them.
const ARRIVAL_BOUND_MS = 5000;

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Resolves with the first stdout line matching `pattern`; rejects on exit or after 10 s.
function waitForLine(child, pattern, what) {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`${what} not ready in 10 s: ${seen}`)), 10000);
    child.stdout.on("data", (chunk) => {
      seen += chunk;
      const m = seen.match(pattern);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}: ${seen}`));
    });
  });
}

async function startRedis() {
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await waitForLine(child, /Ready to accept connections/, "redis-server");
  return { url: `redis://127.0.0.1:${port}`, child };
}

async function startPod({ redis, key, env } = {}) {
  const args = [POD];
  if (redis) args.push("--redis", redis);
  if (key) args.push("--key", key);
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, ...env } });
  const m = await waitForLine(child, /listening (\d+)/, "pod");
  return { url: `http://127.0.0.1:${m[1]}`, child };
}

// @socket.io/redis-adapter subscribes without waiting; a broadcast sent
// before a pod subscribed would be lost. Resolves once `count` pods listen
// to the namespace's request channel (subscribed after its broadcast pattern).
async function subscribed(url, count, namespace = "/conncheck") {
  const { createClient } = require("redis");
  const client = createClient({ url });
  await client.connect();
  const channel = `socket.io-request#${namespace}#`;
  try {
    const until = Date.now() + 5000;
    while (Date.now() < until) {
      const [, n] = await client.sendCommand(["PUBSUB", "NUMSUB", channel]);
      if (Number(n) >= count) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`fewer than ${count} pods subscribed to ${channel} in 5 s`);
  } finally {
    await client.quit();
  }
}

function stop(child) {
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

// A companion session: connected to the namespace, websocket only (no cookies needed).
function session(url, namespace = "/conncheck") {
  const socket = connect(url + namespace, { transports: ["websocket"], reconnection: false, timeout: 5000 });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

function request(socket, event, ...args) {
  return socket.timeout(5000).emitWithAck(event, ...args);
}

// The probes a listening session receives, in order.
function collectProbes(socket) {
  const got = [];
  socket.on("probe", (payload) => got.push(payload));
  return got;
}

async function waitFor(predicate, ms = ARRIVAL_BOUND_MS) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (predicate()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return predicate();
}

function token(prefix) {
  return `${prefix}${Math.random().toString(36).slice(2, 12)}`.slice(0, 32).padEnd(8, "x");
}

module.exports = { DELIVERY_BOUND_MS, freePort, startRedis, startPod, subscribed, stop, session, request, collectProbes, waitFor, token };
