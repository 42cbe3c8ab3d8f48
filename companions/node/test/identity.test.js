// Nothing the companion sends identifies the host: every packet a session
// receives from the namespace, over every request kind, is checked against the
// pod's host name, pid, addresses and identity-bearing environment variables.
"use strict";
const { test, after } = require("node:test");
const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const os = require("node:os");
const { startPod, stop, session, request, collectProbes, waitFor, token } = require("./helpers");

const PLANTED = {
  HOSTNAME: "planted-host-q7x2",
  POD_NAME: "planted-pod-k9w4",
  POD_IP: "127.0.0.77",
  NODE_NAME: "planted-node-m3v8",
  MY_POD_NAMESPACE: "planted-ns-z5c1",
};
const children = [];
const sockets = [];
after(() => {
  for (const s of sockets) s.disconnect();
  for (const c of children) stop(c);
});

function addresses() {
  return Object.values(os.networkInterfaces())
    .flat()
    .map((a) => a.address.replace(/%.*$/, ""));
}

// Every companion packet of one session's conversation, as raw text.
async function conversation(pod) {
  const listener = await session(pod.url);
  const s = await session(pod.url);
  sockets.push(listener, s);
  const raw = [];
  for (const sock of [listener, s]) {
    sock.io.engine.on("packet", (p) => {
      if (typeof p.data === "string" && p.data.includes("/conncheck")) raw.push(p.data);
    });
  }
  const probes = collectProbes(listener);
  const room = token("room");
  const hello = await request(s, "hello");
  await request(listener, "listen", { room });
  await request(s, "send", { room, nonce: "nonce-ident" });
  await request(s, "send", { room: "bad room", nonce: "x" });
  await request(s, "listen", {});
  for (let i = 0; i < 20; i++) await request(s, "hello");
  assert.ok(await waitFor(() => probes.length === 1));
  return { raw, pod: hello.pod };
}

test("companion packets carry only the opaque id, never host, pid, address or env identity", async () => {
  const pod = await startPod({ env: PLANTED });
  children.push(pod.child);
  const { raw, pod: id } = await conversation(pod);
  assert.ok(raw.length >= 25, `saw ${raw.length} packets`);
  assert.ok(raw.some((p) => p.includes('"rate-limited"')), "the rate-limited answer was seen");
  assert.match(id, /^[0-9a-f]{16}$/);
  // The id is 16 hex digits that could contain any digit run by chance; the
  // rest of every packet must not contain any identity.
  const text = raw.join("\n").split(id).join("<pod>");
  assert.ok(!/[0-9a-f]{16}/.test(text.replace(/"nonce-ident"|"sid":"[^"]*"/g, "")), "no other id-like value");
  const secrets = [os.hostname(), ...Object.values(PLANTED), ...addresses()].filter((s) => s.length >= 3);
  for (const secret of secrets) assert.ok(!text.toLowerCase().includes(secret.toLowerCase()), `leaked ${secret}`);
  const pid = String(pod.child.pid);
  assert.ok(!new RegExp(`(^|\\D)${pid}(\\D|$)`).test(text), `leaked pid ${pid}`);
  // Nor is the id an unkeyed digest of the host name anyone could recompute.
  for (const name of [os.hostname(), PLANTED.HOSTNAME, PLANTED.POD_NAME]) {
    for (const algo of ["sha256", "sha1", "md5"]) {
      assert.ok(!crypto.createHash(algo).update(name).digest("hex").startsWith(id));
    }
  }
});

test("two processes on the same host with the same environment get different ids", async () => {
  const [a, b] = await Promise.all([startPod({ env: PLANTED }), startPod({ env: PLANTED })]);
  children.push(a.child, b.child);
  const sa = await session(a.url);
  const sb = await session(b.url);
  sockets.push(sa, sb);
  assert.notEqual((await request(sa, "hello")).pod, (await request(sb, "hello")).pod);
});
