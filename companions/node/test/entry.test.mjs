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
