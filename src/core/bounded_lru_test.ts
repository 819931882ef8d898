import assert from "node:assert/strict";
import { BoundedLru } from "./bounded_lru.ts";

Deno.test("BoundedLru evicts the least recently used entry and refreshes on get", () => {
  const lru = new BoundedLru<string, number>(2);
  lru.set("a", 1);
  lru.set("b", 2);
  assert.equal(lru.get("a"), 1); // a is now most recent
  lru.set("c", 3); // evicts b
  assert.ok(!lru.has("b"));
  assert.equal(lru.get("a"), 1);
  assert.equal(lru.get("c"), 3);
  assert.equal(lru.size, 2);
  lru.set("a", 10); // replace keeps size
  assert.equal(lru.size, 2);
  assert.equal(lru.get("a"), 10);
  assert.equal(lru.delete("a"), true);
  assert.equal(lru.delete("a"), false);
  assert.equal(lru.size, 1);
  lru.clear();
  assert.equal(lru.size, 0);
  assert.throws(() => new BoundedLru(0), RangeError);
});
