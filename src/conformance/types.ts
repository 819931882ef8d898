/**
 * Types of the interop vector format (../shared/interop/README.md, "File envelope").
 *
 * @module
 */

/** One vector: all inputs and all expected outputs of one computation. */
export interface Vector {
  /** Unique id, stable across sets. */
  id: string;
  /** Which computation; one handler per kind. */
  kind: string;
  /** How the expected values were obtained (`repo-literal`, `computed-from-layout`, ...). */
  provenance: string;
  /** Free-text description. */
  description?: string;
  /** Repo path(s) the data came from. */
  source?: string | string[];
  /** All inputs. */
  inputs: Record<string, unknown>;
  /** All expected outputs; every field is compared. */
  expected: Record<string, unknown>;
  /** Expected fields computed rather than copied. */
  // deno-lint-ignore camelcase
  derived_fields?: string[];
  /** Caveats. */
  notes?: string;
}

/** A vector file: one area. */
export interface VectorFile {
  /** `fcp2-interop-vectors/1`. */
  format: string;
  /** The file stem, e.g. `cbor`. */
  area: string;
  /** `given` or a project set name. */
  set: string;
  /** The vectors. */
  vectors: Vector[];
}

/** Checks one vector; throws {@link ConformanceMismatch} (or any error) when it fails. */
export type KindCheck = (v: Vector) => void | Promise<void>;

/** The checks for one area: one function per vector kind. */
export interface AreaHandler {
  /** The area name (vector file stem). */
  area: string;
  /** Checks by kind; a kind missing here makes its vectors fail as unimplemented. */
  kinds: Record<string, KindCheck>;
}

/**
 * Thrown by a check when an output differs from the expected value.
 *
 * @example
 * ```ts
 * import { ConformanceMismatch } from "./types.ts";
 * import assert from "node:assert/strict";
 * const e = new ConformanceMismatch("cbor_hex", "00", "1800");
 * assert.match(e.message, /cbor_hex/);
 * ```
 */
export class ConformanceMismatch extends Error {
  /**
   * @param field The expected field that differed.
   * @param expected The expected value, rendered.
   * @param actual The computed value, rendered.
   */
  constructor(
    readonly field: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${field}: expected ${expected}, got ${actual}`);
    this.name = "ConformanceMismatch";
  }
}
