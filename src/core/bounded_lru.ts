/**
 * A small bounded least-recently-used map, for the caches and memos of every layer (parsed key
 * objects, sender subkeys, pooled hashers, remembered token checks, redirect chains).
 *
 * @module
 */

/**
 * A `Map` that keeps at most `maxEntries` entries, evicting the least recently used.
 *
 * @example
 * ```ts
 * import { BoundedLru } from "./bounded_lru.ts";
 * import assert from "node:assert/strict";
 * const lru = new BoundedLru<string, number>(2);
 * lru.set("a", 1);
 * lru.set("b", 2);
 * lru.get("a");
 * lru.set("c", 3); // evicts b, the least recently used
 * assert.equal(lru.has("b"), false);
 * assert.equal(lru.delete("a"), true);
 * assert.equal(lru.size, 1);
 * ```
 */
export class BoundedLru<K, V> {
  readonly #map = new Map<K, V>();
  readonly #max: number;

  /** @param maxEntries Upper bound on the number of entries (at least 1). */
  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError("maxEntries must be a positive integer");
    }
    this.#max = maxEntries;
  }

  /** Number of entries held. */
  get size(): number {
    return this.#map.size;
  }

  /** The value for `key`, marking it most recently used; `undefined` if absent. */
  get(key: K): V | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }

  /** Insert or replace `key`, evicting the least recently used entry when full. */
  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.#max) {
      const oldest = this.#map.keys().next();
      if (!oldest.done) this.#map.delete(oldest.value);
    }
  }

  /** Whether `key` is present (does not change recency). */
  has(key: K): boolean {
    return this.#map.has(key);
  }

  /** Remove `key`; whether it was present. */
  delete(key: K): boolean {
    return this.#map.delete(key);
  }

  /** Drop every entry. */
  clear(): void {
    this.#map.clear();
  }
}
