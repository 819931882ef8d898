/**
 * SchemaId and SchemaHash (spec §3.3, WIRE.md §1 and D1).
 *
 * The hash follows the reference code, not the spec prose:
 * `BLAKE3("FCP2-SCHEMA-V1" ‖ lp64(namespace) ‖ lp64(name) ‖ lp64(version))`.
 *
 * @module
 */
import { BoundedLru, ByteWriter, FcpError, utf8 } from "../core/mod.ts";
import { blake3 } from "../crypto/mod.ts";

/** A schema identifier: namespace, type name and semantic version. */
export interface SchemaId {
  /** Namespace, e.g. `fcp.core`. */
  readonly namespace: string;
  /** Type name, e.g. `CapabilityObject`. */
  readonly name: string;
  /** Semantic version `x.y.z`. */
  readonly version: string;
}

const PART = /^[A-Za-z0-9._-]{1,128}$/;
const SEMVER = /^(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})$/;

/**
 * Validate a SchemaId: namespace and name are 1..128 characters without `:` or `@`
 * (WIRE.md §1), version is `x.y.z`. Throws `FCP-1012`.
 *
 * @example
 * ```ts
 * import { validateSchemaId } from "./schema.ts";
 * import assert from "node:assert/strict";
 * validateSchemaId({ namespace: "fcp.core", name: "CapabilityObject", version: "1.0.0" });
 * assert.throws(() => validateSchemaId({ namespace: "a:b", name: "x", version: "1.0.0" }), /FCP-1012/);
 * ```
 */
export function validateSchemaId(s: SchemaId): SchemaId {
  if (!PART.test(s.namespace)) throw new FcpError("FCP-1012", "schema namespace is invalid");
  if (!PART.test(s.name)) throw new FcpError("FCP-1012", "schema name is invalid");
  if (!SEMVER.test(s.version)) {
    throw new FcpError(
      "FCP-1012",
      `schema version must be x.y.z, got ${JSON.stringify(s.version)}`,
    );
  }
  return s;
}

/**
 * The 32-byte SchemaHash of a schema (WIRE.md D1).
 *
 * @example
 * ```ts
 * import { schemaHash } from "./schema.ts";
 * import { toHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const h = schemaHash({ namespace: "fcp.test", name: "GoldenStruct", version: "1.0.0" });
 * assert.equal(toHex(h).slice(0, 8), "82469878");
 * ```
 */
export function schemaHash(s: SchemaId): Uint8Array {
  const key = JSON.stringify([s.namespace, s.name, s.version]);
  let h = SCHEMA_HASHES.get(key);
  if (h === undefined) {
    h = blake3(schemaHashPreimage(s));
    SCHEMA_HASHES.set(key, h);
  }
  return h.slice();
}

// Schema ids are few and fixed; their hashes are computed once (copies are handed out).
const SCHEMA_HASHES = new BoundedLru<string, Uint8Array>(4096);

/**
 * The bytes hashed into a SchemaHash (exposed for conformance checks).
 *
 * @example
 * ```ts
 * import { schemaHashPreimage } from "./schema.ts";
 * import assert from "node:assert/strict";
 * const p = schemaHashPreimage({ namespace: "a", name: "b", version: "1.0.0" });
 * assert.equal(p.length, 14 + 9 + 9 + 13);
 * ```
 */
export function schemaHashPreimage(s: SchemaId): Uint8Array {
  validateSchemaId(s);
  const w = new ByteWriter(96).bytes(utf8("FCP2-SCHEMA-V1"));
  for (const part of [s.namespace, s.name, s.version]) {
    const b = utf8(part);
    w.u64le(b.length).bytes(b);
  }
  return w.finish();
}

/**
 * The schema-id string used by `FCP2-SIGN-V1` (WIRE.md §5a): `namespace.name/version`.
 *
 * @example
 * ```ts
 * import { schemaIdString } from "./schema.ts";
 * import assert from "node:assert/strict";
 * assert.equal(
 *   schemaIdString({ namespace: "fcp.core", name: "CapabilityObject", version: "1.0.0" }),
 *   "fcp.core.CapabilityObject/1.0.0",
 * );
 * ```
 */
export function schemaIdString(s: SchemaId): string {
  validateSchemaId(s);
  return `${s.namespace}.${s.name}/${s.version}`;
}
