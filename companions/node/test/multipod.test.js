// Cross-pod delivery with real processes: Debian's redis-server on a loopback
// port and three Node socket.io pods, with @socket.io/redis-adapter or none.
// A session on one pod listens, a session on another sends.
"use strict";
const { test, after } = require("node:test");
const assert = require("node:assert/strict");
const { DELIVERY_BOUND_MS, startRedis, startPod, subscribed, stop, session, request, collectProbes, waitFor, token } = require("./helpers");

const children = [];
const sockets = [];
after(() => {
  for (const s of sockets) s.disconnect();
  for (const c of children) stop(c);
});

async function pods(count, redis) {
  const started = await Promise.all(Array.from({ length: count }, () => startPod({ redis })));
  children.push(...started.map((p) => p.child));
  if (redis) await subscribed(redis, count);
  return started;
}

async function open(pod) {
  const s = await session(pod.url);
  sockets.push(s);
  return s;
}

// Listeners on pods 0 and 2, sender on pod 1 plus a listener beside it: the
// same-pod listener proves the sender's pod did broadcast, whatever the others get.
async function probe(cluster) {
  const [p0, p1, p2] = cluster;
  const room = token("room");
  const nonce = token("nonce");
  const far0 = await open(p0);
  const far2 = await open(p2);
  const near = await open(p1);
  const sender = await open(p1);
  const hellos = await Promise.all([far0, sender, far2].map((s) => request(s, "hello")));
  const ids = hellos.map((h) => h.pod);
  assert.equal(new Set(ids).size, 3, "each pod has its own id");
  const got = { far0: collectProbes(far0), far2: collectProbes(far2), near: collectProbes(near) };
  for (const s of [far0, far2, near]) assert.deepEqual(await request(s, "listen", { room }), { ok: true });
  return {
    ids,
    counts: hellos.map((h) => h.pods),
    hello: () => request(sender, "hello"),
    got,
    async send() {
      assert.deepEqual(await request(sender, "send", { room, nonce }), { ok: true });
      assert.ok(await waitFor(() => got.near.length === 1), "the sender's own pod delivers locally");
      return nonce;
    },
  };
}

test("with Redis the nonce reaches sessions on every other pod", async () => {
  const redis = await startRedis();
  children.push(redis.child);
  const run = await probe(await pods(3, redis.url));
  assert.deepEqual(run.counts, [3, 3, 3], "every pod's adapter reports the three");
  const nonce = await run.send();
  assert.ok(await waitFor(() => run.got.far0.length === 1 && run.got.far2.length === 1), "arrived on both other pods");
  for (const list of Object.values(run.got)) assert.deepEqual(list, [{ nonce, from: run.ids[1] }]);
});

test("without an adapter the nonce stays on the sender's pod", async () => {
  const run = await probe(await pods(3, undefined));
  assert.deepEqual(run.counts, [1, 1, 1], "each pod's in-memory adapter reports itself only");
  await run.send();
  await waitFor(() => false, DELIVERY_BOUND_MS);
  assert.deepEqual(run.got.far0, []);
  assert.deepEqual(run.got.far2, []);
});

test("once Redis is killed after the pods connected, the nonce stays on the sender's pod", async () => {
  const redis = await startRedis();
  children.push(redis.child);
  const run = await probe(await pods(3, redis.url));
  const exited = new Promise((r) => redis.child.once("exit", r));
  redis.child.kill("SIGKILL");
  await exited;
  // The adapter cannot count without Redis: hello leaves the number out,
  // within its bound.
  const started = Date.now();
  const hello = await run.hello();
  assert.deepEqual(Object.keys(hello), ["ok", "v", "pod"]);
  assert.ok(Date.now() - started < 3000, "hello answered within its bound");
  await run.send();
  await waitFor(() => false, DELIVERY_BOUND_MS);
  assert.deepEqual(run.got.far0, []);
  assert.deepEqual(run.got.far2, []);
});
