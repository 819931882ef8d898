/**
 * The anti-replay window of a session direction (spec §4.2.2 `SessionReplayPolicy`, §4.3 rule
 * 5, §9.4; WIRE.md §9 `ReplayWindow`): remembers the highest accepted sequence number and a
 * bitmap of the `size` (default 128) numbers at and below it.
 *
 * A sequence number is acceptable when it is not 0 (0 is never valid), and either above the
 * highest accepted one or within the window and not yet seen. Anything else throws `FCP-1026`.
 *
 * Accept-after-MAC: a receiver calls {@link ReplayWindow.check} before verifying a MAC or tag
 * (cheap refusal of replays), and {@link ReplayWindow.commit} only after the MAC or tag
 * verified, so forged datagrams never move the window.
 *
 * @module
 */
import { FcpError } from "../core/mod.ts";

/** The default window (spec §4.2.2 `max_reorder_window`, WIRE.md §9). */
export const REPLAY_WINDOW_SIZE = 128;
/** The largest window {@link ReplayWindow} accepts. */
export const MAX_REPLAY_WINDOW_SIZE = 4096;

const U64_MAX = 0xffffffffffffffffn;

/**
 * A sliding anti-replay window over u64 sequence numbers.
 *
 * @example
 * ```ts
 * import { ReplayWindow } from "./replay_window.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const w = new ReplayWindow();
 * w.commit(5n);
 * w.commit(3n); // reordered but within the window
 * assert.throws(() => w.check(5n), (e) => isFcpError(e, "FCP-1026")); // duplicate
 * assert.throws(() => w.check(0n), (e) => isFcpError(e, "FCP-1026")); // never valid
 * w.commit(200n);
 * assert.throws(() => w.check(72n), (e) => isFcpError(e, "FCP-1026")); // too old
 * assert.equal(w.wouldAccept(73n), true);
 * ```
 */
export class ReplayWindow {
  /** Window size: how far below the highest accepted number a late one may arrive. */
  readonly size: number;
  readonly #bits: Uint32Array;
  readonly #mask: number;
  readonly #bigMask: bigint;
  #highest = 0n;

  /** @param size Window size, 1..4096 (default 128); `FCP-1040` otherwise. */
  constructor(size: number = REPLAY_WINDOW_SIZE) {
    if (!Number.isInteger(size) || size < 1 || size > MAX_REPLAY_WINDOW_SIZE) {
      throw new FcpError("FCP-1040", `replay window size must be 1..${MAX_REPLAY_WINDOW_SIZE}`);
    }
    this.size = size;
    let ring = 32;
    while (ring < size) ring *= 2;
    this.#bits = new Uint32Array(ring / 32);
    this.#mask = ring - 1;
    this.#bigMask = BigInt(ring - 1);
  }

  /** The highest sequence number committed so far (0n before the first). */
  get highest(): bigint {
    return this.#highest;
  }

  /**
   * Throw `FCP-1026` unless `seq` would be accepted (`FCP-1040` if it is not a u64 bigint);
   * changes nothing.
   *
   * @example
   * ```ts
   * import { ReplayWindow } from "./replay_window.ts";
   * import assert from "node:assert/strict";
   * const w = new ReplayWindow();
   * w.check(1n);
   * assert.equal(w.highest, 0n); // check does not commit
   * ```
   */
  check(seq: bigint): void {
    if (!isU64(seq)) throw new FcpError("FCP-1040", "sequence number must be a u64");
    const why = this.#refusal(seq);
    if (why !== undefined) throw new FcpError("FCP-1026", why);
  }

  /**
   * Whether `seq` would be accepted now.
   *
   * @example
   * ```ts
   * import { ReplayWindow } from "./replay_window.ts";
   * import assert from "node:assert/strict";
   * assert.equal(new ReplayWindow().wouldAccept(0n), false);
   * ```
   */
  wouldAccept(seq: bigint): boolean {
    return this.#refusal(seq) === undefined;
  }

  /**
   * Record `seq` as received (after its MAC or tag verified); throws `FCP-1026` like
   * {@link ReplayWindow.check} when it is not acceptable, without changing the window.
   *
   * @example
   * ```ts
   * import { ReplayWindow } from "./replay_window.ts";
   * import assert from "node:assert/strict";
   * const w = new ReplayWindow(4);
   * w.commit(10n);
   * assert.equal(w.highest, 10n);
   * assert.equal(w.wouldAccept(7n), true);
   * assert.equal(w.wouldAccept(6n), false); // 10 - 6 ≥ 4
   * ```
   */
  commit(seq: bigint): void {
    this.check(seq);
    if (seq > this.#highest) {
      const advance = seq - this.#highest;
      if (advance > BigInt(this.#mask)) {
        this.#bits.fill(0);
      } else {
        // Clear the ring slots of highest+1 .. seq: they still hold numbers one ring older.
        let pos = Number((this.#highest + 1n) & this.#bigMask);
        for (let i = Number(advance); i > 0; i--) {
          this.#bits[pos >>> 5]! &= ~(1 << (pos & 31));
          pos = (pos + 1) & this.#mask;
        }
      }
      this.#highest = seq;
    }
    const p = Number(seq & this.#bigMask);
    this.#bits[p >>> 5]! |= 1 << (p & 31);
  }

  #refusal(seq: bigint): string | undefined {
    if (!isU64(seq)) return "sequence number is not a u64";
    if (seq === 0n) return "sequence number 0 is never valid";
    if (seq > this.#highest) return undefined;
    if (this.#highest - seq >= BigInt(this.size)) return `sequence number ${seq} is too old`;
    const p = Number(seq & this.#bigMask);
    if ((this.#bits[p >>> 5]! & (1 << (p & 31))) !== 0) {
      return `sequence number ${seq} was already received`;
    }
    return undefined;
  }
}

function isU64(seq: bigint): boolean {
  return typeof seq === "bigint" && seq >= 0n && seq <= U64_MAX;
}
