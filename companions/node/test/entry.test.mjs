// Both entry points of the package: require() and import, by path and by the
// package name (self-reference through the exports map).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { attach as importedByName } from "conncheck-companion";
import { attach as importedByPath } from "../index.mjs";

const require = createRequire(import.meta.url);

test("require and import give the same attach function", () => {
  const byName = require("conncheck-companion");
  const byPath = require("..");
  assert.equal(typeof byName.attach, "function");
  assert.equal(byName.attach, byPath.attach);
  assert.equal(importedByName, byName.attach);
  assert.equal(importedByPath, byName.attach);
});

// What index.d.ts and index.d.mts promise (test/types checks the types).
test("require gives module.exports without default; import's default is that object", async () => {
  const required = require("conncheck-companion");
  assert.equal(required.default, undefined);
  assert.deepEqual(Object.keys(required).sort(), [
    "DEFAULT_NAMESPACE",
    "PROTOCOL_VERSION",
    "RATE_MAX",
    "RATE_WINDOW_MS",
    "attach",
  ]);
  const imported = await import("conncheck-companion");
  assert.equal(imported.default, required);
  for (const name of Object.keys(required)) assert.equal(imported[name], required[name], name);
});
