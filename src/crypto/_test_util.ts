/**
 * Helpers shared by this folder's tests (private; not used by production code).
 *
 * @module
 */
import { u32le } from "../core/mod.ts";
import { chacha20Keystream } from "./chacha20.ts";

/** A string field of a vector object. */
export function s(o: Record<string, unknown>, k: string): string {
  const v = o[k];
  if (typeof v !== "string") throw new TypeError(`${k} must be a string`);
  return v;
}

/** Deterministic pseudo-random bytes: ChaCha20 keystream of a seed derived from `label`, `i`. */
export function detBytes(label: string, i: number, n: number): Uint8Array {
  const key = new Uint8Array(32);
  const l = new TextEncoder().encode(label);
  key.set(l.subarray(0, 28));
  key.set(u32le(i), 28);
  return chacha20Keystream(key, n);
}

/** One interop vector (the subset of fields these tests read; format in shared/interop/README.md). */
export interface InteropVector {
  id: string;
  kind: string;
  inputs: Record<string, unknown>;
  expected: Record<string, unknown>;
}

/** Load a vector file of the shared interop set. */
export async function loadInterop(area: string): Promise<InteropVector[]> {
  const url = new URL(`../../../shared/interop/${area}.json`, import.meta.url);
  const file = JSON.parse(await Deno.readTextFile(url)) as { vectors: InteropVector[] };
  return file.vectors;
}
