/**
 * The area handlers the conformance runner knows. An area listed here is "implemented": all
 * its vectors run and a kind without a check fails. Areas not listed are reported skipped.
 *
 * @module
 */
import type { AreaHandler } from "./types.ts";
import { handler as bootstrap } from "./areas/bootstrap.ts";
import { handler as cbor } from "./areas/cbor.ts";
import { handler as cborStrict } from "./areas/cbor_strict.ts";
import { handler as coseTokens } from "./areas/cose_tokens.ts";
import { handler as ed25519 } from "./areas/ed25519.ts";
import { handler as fcpc } from "./areas/fcpc.ts";
import { handler as hpke } from "./areas/hpke.ts";
import { handler as hrw } from "./areas/hrw.ts";
import { handler as model } from "./areas/model.ts";
import { handler as objectId } from "./areas/object_id.ts";
import { handler as operation } from "./areas/operation.ts";
import { handler as schemaHash } from "./areas/schema_hash.ts";
import { handler as session } from "./areas/session.ts";
import { handler as signingBytes } from "./areas/signing_bytes.ts";
import { handler as symbolAead } from "./areas/symbol_aead.ts";
import { handler as zoneIdHash } from "./areas/zone_id_hash.ts";

/**
 * Every registered area handler (interop areas, plus `model` and `cbor_strict` for the golden
 * `vectors/`).
 *
 * @example
 * ```ts
 * import { AREA_HANDLERS } from "./registry.ts";
 * import assert from "node:assert/strict";
 * const areas = AREA_HANDLERS.map((h) => h.area);
 * assert.equal(new Set(areas).size, areas.length);
 * ```
 */
export const AREA_HANDLERS: readonly AreaHandler[] = [
  bootstrap,
  cbor,
  cborStrict,
  coseTokens,
  ed25519,
  fcpc,
  hpke,
  hrw,
  model,
  objectId,
  operation,
  schemaHash,
  session,
  signingBytes,
  symbolAead,
  zoneIdHash,
];
