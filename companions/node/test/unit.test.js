// The companion in one real socket.io server (local adapter): answers, input
// limits, rate limit, and requests without an ack doing nothing.
"use strict";
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const http = require("node:http");
const { Server } = require("socket.io");
const { attach, RATE_MAX } = require("..");
const { session, request, collectProbes, waitFor, token } = require("./helpers");

let url;
let io;
let companion;
const sockets = [];

before(async () => {
  const server = http.createServer();
  io = new Server(server);
  companion = attach(io);
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${server.address().port}`;
});
after(() => {
  for (const s of sockets) s.disconnect();
  io.close();
});

async function open() {
  const s = await session(url);
  sockets.push(s);
  return s;
}

test("hello tells the same opaque 64-bit pod id to every session, and the adapter's server count", async () => {
  const a = await request(await open(), "hello");
  const b = await request(await open(), "hello");
  assert.deepEqual(Object.keys(a), ["ok", "v", "pod", "pods"]);
  // The in-memory adapter: this server alone.
  assert.equal(a.pods, 1);
  assert.equal(a.ok, true);
  assert.equal(a.v, 1);
  assert.match(a.pod, /^[0-9a-f]{16}$/);
  assert.equal(b.pod, a.pod);
  assert.equal(companion.pod, a.pod);
});

test("a nonce sent to a room reaches its listener, tagged with the sender's pod", async () => {
  const listener = await open();
  const sender = await open();
  const probes = collectProbes(listener);
  const room = token("room");
  assert.deepEqual(await request(listener, "listen", { room }), { ok: true });
  assert.deepEqual(await request(sender, "send", { room, nonce: "nonce-0001" }), { ok: true });
  assert.ok(await waitFor(() => probes.length === 1));
  assert.deepEqual(probes[0], { nonce: "nonce-0001", from: companion.pod });
});

test("listening again moves the session to the new room only", async () => {
  const listener = await open();
  const sender = await open();
  const probes = collectProbes(listener);
  const first = token("first");
  const second = token("second");
  await request(listener, "listen", { room: first });
  await request(listener, "listen", { room: second });
  await request(sender, "send", { room: first, nonce: "to-the-old-room" });
  await request(sender, "send", { room: second, nonce: "to-the-new-room" });
  assert.ok(await waitFor(() => probes.length >= 1));
  // Same pod, same order: had the old room still been joined, it would be first.
  assert.deepEqual(probes.map((p) => p.nonce), ["to-the-new-room"]);
});

test("malformed requests get a specific error and broadcast nothing", async () => {
  const s = await open();
  const listener = await open();
  const probes = collectProbes(listener);
  const room = token("room");
  await request(listener, "listen", { room });
  const cases = [
    [[], "bad-request"],
    [["room"], "bad-request"],
    [[[{ room }]], "bad-request"],
    [[{ room }, "extra"], "bad-request"],
    [[{ room, nonce: "short" }], "bad-nonce"],
    [[{ room, nonce: "x".repeat(33) }], "bad-nonce"],
    [[{ room, nonce: "has space!" }], "bad-nonce"],
    [[{ room, nonce: 12345678 }], "bad-nonce"],
    [[{ nonce: "nonce-0001" }], "bad-room"],
    [[{ room: "<script>x", nonce: "nonce-0001" }], "bad-room"],
  ];
  for (const [args, error] of cases) {
    assert.deepEqual(await request(s, "send", ...args), { ok: false, error }, JSON.stringify(args));
  }
  assert.deepEqual(await request(s, "listen", { room: "a" }), { ok: false, error: "bad-room" });
  // A valid send after them all is the first and only thing the listener gets.
  await request(s, "send", { room, nonce: "the-only-one" });
  assert.ok(await waitFor(() => probes.length >= 1));
  assert.deepEqual(probes.map((p) => p.nonce), ["the-only-one"]);
});

test("a request without an ack is not acted upon", async () => {
  const listener = await open();
  const sender = await open();
  const probes = collectProbes(listener);
  const room = token("room");
  await request(listener, "listen", { room });
  sender.emit("send", { room, nonce: "no-ack-asked" });
  await request(sender, "send", { room, nonce: "with-an-ack" });
  assert.ok(await waitFor(() => probes.length >= 1));
  assert.deepEqual(probes.map((p) => p.nonce), ["with-an-ack"]);
});

test(`more than ${RATE_MAX} requests in the window are refused, per connection`, async () => {
  const s = await open();
  const answers = [];
  for (let i = 0; i < RATE_MAX + 2; i++) answers.push(await request(s, "hello"));
  assert.ok(answers.slice(0, RATE_MAX).every((a) => a.ok === true));
  assert.deepEqual(answers.slice(RATE_MAX), [
    { ok: false, error: "rate-limited" },
    { ok: false, error: "rate-limited" },
  ]);
  // Another connection has its own budget.
  assert.equal((await request(await open(), "hello")).ok, true);
});

test("options are checked", () => {
  const server = new Server();
  assert.throws(() => attach(server, { key: "short" }), /at least 16 bytes/);
  assert.throws(() => attach(server, { namespace: "no-slash" }), /namespace/);
  assert.throws(() => attach({}), /socket.io Server/);
  assert.throws(() => attach(io), /already attached to \/conncheck/);
  const fixed = "0123456789abcdef0123456789abcdef";
  assert.equal(attach(server, { namespace: "/a1", key: fixed }).pod, attach(server, { namespace: "/a2", key: fixed }).pod);
  assert.notEqual(attach(server, { namespace: "/a3" }).pod, attach(server, { namespace: "/a4" }).pod);
});
