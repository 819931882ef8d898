import assert from "node:assert/strict";
import fc from "fast-check";
import { isFcpError } from "../core/mod.ts";
import { REPLAY_WINDOW_SIZE, ReplayWindow } from "./replay_window.ts";

const replay = (e: unknown) => isFcpError(e, "FCP-1026");

Deno.test("seq 0 is always refused, before and after other numbers", () => {
  const w = new ReplayWindow();
  assert.throws(() => w.check(0n), replay);
  assert.throws(() => w.commit(0n), replay);
  w.commit(1n);
  assert.throws(() => w.check(0n), replay);
  assert.equal(w.highest, 1n);
});

Deno.test("duplicates are refused, in order and reordered", () => {
  const w = new ReplayWindow();
  w.commit(10n);
  w.commit(8n);
  assert.throws(() => w.commit(10n), replay);
  assert.throws(() => w.commit(8n), replay);
  w.commit(9n);
  assert.throws(() => w.check(9n), replay);
  assert.equal(w.highest, 10n);
});

Deno.test("the window is exactly 128 below the highest", () => {
  const w = new ReplayWindow();
  assert.equal(w.size, REPLAY_WINDOW_SIZE);
  w.commit(1000n);
  assert.equal(w.wouldAccept(1000n - 127n), true);
  assert.throws(() => w.check(1000n - 128n), replay);
  assert.throws(() => w.check(1n), replay);
  w.commit(873n);
  assert.throws(() => w.check(873n), replay);
});

Deno.test("a failed commit leaves the window unchanged", () => {
  const w = new ReplayWindow();
  w.commit(5n);
  assert.throws(() => w.commit(5n), replay);
  assert.equal(w.highest, 5n);
  assert.equal(w.wouldAccept(4n), true);
});

Deno.test("large jumps clear old bits; the top of u64 works", () => {
  const w = new ReplayWindow();
  w.commit(3n);
  w.commit(3n + 1000n);
  assert.equal(w.wouldAccept(3n + 1000n - 1n), true);
  const top = 0xffffffffffffffffn;
  w.commit(top);
  assert.throws(() => w.check(top), replay);
  assert.equal(w.wouldAccept(top - 1n), true);
  assert.throws(() => w.check(top + 1n), (e) => isFcpError(e, "FCP-1040"));
  assert.throws(() => w.check(-1n), (e) => isFcpError(e, "FCP-1040"));
});

Deno.test("window size must be 1..4096", () => {
  for (const bad of [0, -1, 4097, 1.5]) {
    assert.throws(() => new ReplayWindow(bad), (e) => isFcpError(e, "FCP-1040"));
  }
  const w = new ReplayWindow(1);
  w.commit(2n);
  assert.throws(() => w.check(1n), replay);
  w.commit(3n);
});

Deno.test("property: ReplayWindow agrees with a set-based model", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 300 }),
      fc.array(fc.bigInt({ min: 0n, max: 600n }), { maxLength: 400 }),
      (size, seqs) => {
        const w = new ReplayWindow(size);
        const seen = new Set<bigint>();
        let highest = 0n;
        for (const s of seqs) {
          const ok = s !== 0n && !seen.has(s) && (s > highest || highest - s < BigInt(size));
          assert.equal(w.wouldAccept(s), ok, `seq ${s}`);
          if (ok) {
            w.commit(s);
            seen.add(s);
            if (s > highest) highest = s;
          } else {
            assert.throws(() => w.commit(s), replay);
          }
          assert.equal(w.highest, highest);
        }
      },
    ),
    { numRuns: 300 },
  );
});
