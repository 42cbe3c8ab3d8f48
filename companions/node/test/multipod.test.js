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
  const ids = await Promise.all([far0, sender, far2].map(async (s) => (await request(s, "hello")).pod));
  assert.equal(new Set(ids).size, 3, "each pod has its own id");
  const got = { far0: collectProbes(far0), far2: collectProbes(far2), near: collectProbes(near) };
  for (const s of [far0, far2, near]) assert.deepEqual(await request(s, "listen", { room }), { ok: true });
  return {
    ids,
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
  const nonce = await run.send();
  assert.ok(await waitFor(() => run.got.far0.length === 1 && run.got.far2.length === 1), "arrived on both other pods");
  for (const list of Object.values(run.got)) assert.deepEqual(list, [{ nonce, from: run.ids[1] }]);
});

test("without an adapter the nonce stays on the sender's pod", async () => {
  const run = await probe(await pods(3, undefined));
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
  await run.send();
  await waitFor(() => false, DELIVERY_BOUND_MS);
  assert.deepEqual(run.got.far0, []);
  assert.deepEqual(run.got.far2, []);
});
