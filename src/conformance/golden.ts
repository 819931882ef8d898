/**
 * The project's own golden vectors (`vectors/*.json`): objects and mappings the interop set
 * does not cover, computed by this implementation and pinned so that any change to their
 * bytes is deliberate. Same envelope as ../shared/interop (set `fcp-golden`), so the same
 * loader and runner check them. `deno task vectors` rewrites the files from this module;
 * `golden_test.ts` fails when the committed files differ.
 *
 * @module
 */
import { cborToJson, decodeCbor } from "../cbor/mod.ts";
import { FcpError, fromHex, toHex, utf8 } from "../core/mod.ts";
import { ed25519PublicKey, ed25519Sign } from "../crypto/mod.ts";
import {
  encodeObjectHeader,
  epochAt,
  epochText,
  fcp2SigningBytes,
  keyId,
  type ObjectHeader,
  objectIdUnscoped,
  originProvenance,
  schemaHash,
  schemaIdString,
  STANDARD_ZONES,
  zoneIdHash,
  zoneToTailscaleTag,
} from "../model/mod.ts";
import { canonicalHex, rejectionCode } from "./areas/cbor_strict.ts";
import type { Vector, VectorFile } from "./types.ts";

/** Envelope format shared with the interop set. */
export const GOLDEN_FORMAT = "fcp2-interop-vectors/1";

const SCHEMAS = [
  ["fcp.core", "CapabilityObject", "1.0.0"],
  ["fcp.core", "ObjectHeader", "1.0.0"],
  ["fcp.core", "AuditEvent", "1.0.0"],
  ["fcp.core", "RevocationObject", "1.0.0"],
  ["fcp.operation", "intent", "1.0.0"],
  ["fcp.operation", "receipt", "1.0.0"],
  ["fcp.zone", "ZoneKeyManifest", "1.0.0"],
] as const;

function computed(
  id: string,
  kind: string,
  description: string,
  inputs: Record<string, unknown>,
  expected: Record<string, unknown>,
): Vector {
  return {
    id,
    kind,
    provenance: "fcp-computed",
    description,
    source: "src/conformance/golden.ts",
    inputs,
    expected,
  };
}

/** A header as the vector input `header` (the JSON that `headerInput` reads back). */
function headerJson(h: ObjectHeader): Record<string, unknown> {
  const p = h.placement;
  return {
    schema: { ...h.schema },
    zone_id: h.zoneId,
    created_at: h.createdAt,
    ttl_secs: h.ttlSecs ?? null,
    provenance: {
      origin_zone: h.provenance.originZone,
      chain: h.provenance.chain.map((s) => ({
        timestamp_ms: s.timestampMs,
        zone: s.zone,
        actor: s.actor,
        action: s.action,
        resource: s.resource,
      })),
      taint: h.provenance.taint,
      elevated: h.provenance.elevated,
      elevation_token: h.provenance.elevationToken ?? null,
    },
    refs_hex: h.refs.map(toHex),
    foreign_refs_hex: h.foreignRefs.map(toHex),
    ...(p === undefined ? {} : {
      placement: {
        min_nodes: p.minNodes,
        max_node_fraction_bps: p.maxNodeFractionBps,
        preferred_devices: p.preferredDevices.map((d) => ({ ...d })),
        excluded_devices: p.excludedDevices.map((d) => ({ ...d })),
        target_coverage_bps: p.targetCoverageBps,
        min_source_diversity: p.minSourceDiversity,
      },
    }),
  };
}

function headerVector(id: string, h: ObjectHeader, description: string): Vector {
  return computed(id, "object_header_cbor", description, { header: headerJson(h) }, {
    header_cbor_hex: toHex(encodeObjectHeader(h)),
  });
}

/**
 * Build every golden vector file, keyed by file name.
 *
 * @example
 * ```ts
 * import { goldenVectorFiles } from "./golden.ts";
 * import assert from "node:assert/strict";
 * const files = goldenVectorFiles();
 * assert.ok(files["model.json"]!.vectors.length > 0);
 * ```
 */
export function goldenVectorFiles(): Record<string, VectorFile> {
  const vectors: Vector[] = [];
  for (const z of STANDARD_ZONES) {
    vectors.push(
      computed(`model.zone_id_hash.${z}`, "zone_id_hash", "ZoneIdHash of a standard zone", {
        zone_id: z,
      }, { zone_id_hash_hex: toHex(zoneIdHash(z)) }),
    );
  }
  for (const z of [...STANDARD_ZONES, "z:project:apollo", "z:lab-2"]) {
    vectors.push(
      computed(`model.tailscale_tag.${z}`, "zone_tailscale_tag", "Zone to Tailscale ACL tag", {
        zone_id: z,
      }, { tag: zoneToTailscaleTag(z) }),
    );
  }
  for (const [namespace, name, version] of SCHEMAS) {
    vectors.push(
      computed(
        `model.schema_hash.${namespace}.${name}.${version}`,
        "schema_hash_only",
        "SchemaHash (code formula, WIRE.md D1) of a schema fcp uses",
        { schema: { namespace, name, version } },
        { schema_hash_hex: toHex(schemaHash({ namespace, name, version })) },
      ),
    );
  }
  const ref = objectIdUnscoped(utf8("golden-ref"));
  vectors.push(headerVector(
    "model.header.minimal",
    {
      schema: { namespace: "fcp.core", name: "AuditEvent", version: "1.0.0" },
      zoneId: "z:work",
      createdAt: 1_767_225_600,
      provenance: originProvenance("z:work"),
      refs: [],
      foreignRefs: [],
    },
    "ObjectHeader with only required fields",
  ));
  vectors.push(headerVector(
    "model.header.ttl_refs_chain",
    {
      schema: { namespace: "fcp.core", name: "AuditEvent", version: "1.0.0" },
      zoneId: "z:private",
      createdAt: 1_767_225_600,
      ttlSecs: 86_400,
      provenance: {
        originZone: "z:public",
        chain: [{
          timestampMs: 1_767_225_600_123,
          zone: "z:private",
          actor: "node-a",
          action: "import",
          resource: "fcp.http:get",
        }],
        taint: "Tainted",
        elevated: true,
        elevationToken: "approval-7",
      },
      refs: [ref],
      foreignRefs: [objectIdUnscoped(utf8("golden-foreign"))],
    },
    "ObjectHeader with ttl, refs, foreign refs, a provenance step and elevation",
  ));
  const placed: ObjectHeader = {
    schema: { namespace: "fcp.core", name: "CapabilityObject", version: "1.0.0" },
    zoneId: "z:project:apollo",
    createdAt: 1_767_225_600,
    provenance: originProvenance("z:project:apollo"),
    refs: [ref],
    foreignRefs: [],
    placement: {
      minNodes: 3,
      maxNodeFractionBps: 4000,
      preferredDevices: [{ Tag: "fcp-work" }, { NodeId: 7 }, { HasCapability: "store" }],
      excludedDevices: [{ Class: "mobile" }, { Zone: "z:public" }],
      targetCoverageBps: 15_000,
      minSourceDiversity: 2,
    },
  };
  vectors.push(headerVector(
    "model.header.placement",
    placed,
    "ObjectHeader with a placement policy using every DeviceSelector variant",
  ));
  for (const [name, seedByte] of [["owner", 1], ["node-a", 2]] as const) {
    const pk = ed25519PublicKey(new Uint8Array(32).fill(seedByte));
    vectors.push(
      computed(`model.key_id.${name}`, "key_id", 'kid = BLAKE3("fcp.kid.v2" ‖ pk)[0..8]', {
        public_key_hex: toHex(pk),
      }, { kid_hex: toHex(keyId(pk)) }),
    );
  }
  for (
    const [secs, granularity] of [[1_767_225_600, 300], [299, 300], [1_767_225_600, 3600]] as const
  ) {
    vectors.push(
      computed(
        `model.epoch_id.${secs}.${granularity}`,
        "epoch_id",
        "EpochId = floor(unix seconds / granularity), in its text form (WIRE.md D10)",
        { unix_secs: secs, granularity_secs: granularity },
        { epoch_id: epochText(epochAt(secs, granularity)) },
      ),
    );
  }
  vectors.push(signedHeaderVector(placed, new Uint8Array(32).fill(0x5a)));
  return {
    "model.json": {
      format: GOLDEN_FORMAT,
      area: "model",
      set: "fcp-golden",
      vectors,
    },
    "cbor_strict.json": {
      format: GOLDEN_FORMAT,
      area: "cbor_strict",
      set: "fcp-golden",
      vectors: [...encodeVectors(), ...rejectVectors()],
    },
  };
}

function signedHeaderVector(h: ObjectHeader, seed: Uint8Array): Vector {
  const schemaId = schemaIdString(h.schema);
  const cbor = encodeObjectHeader(h);
  const message = fcp2SigningBytes(schemaId, cbor);
  const pk = ed25519PublicKey(seed);
  return computed(
    "model.signed_header.placement",
    "signed_header",
    "A header through the signing path: canonical CBOR, FCP2-SIGN-V1 bytes, Ed25519 (RFC 8032)",
    { header: headerJson(h), schema_id: schemaId, secret_key_hex: toHex(seed) },
    {
      header_cbor_hex: toHex(cbor),
      signing_bytes_hex: toHex(message),
      public_key_hex: toHex(pk),
      kid_hex: toHex(keyId(pk)),
      signature_hex: toHex(ed25519Sign(seed, message)),
    },
  );
}

/**
 * Canonical encodings the interop cbor.json lacks. Where RFC 8949 Appendix A gives the bytes
 * (and they are already canonical), the vector says so and carries the RFC's bytes; the rest
 * are computed. Either way the generator checks the encoder against the stated bytes.
 */
const ENCODINGS: ReadonlyArray<[string, unknown, string | undefined]> = [
  // [name, JSON view, RFC 8949 Appendix A bytes]
  ["float.1.5", 1.5, "f93e00"],
  ["float.1.0", { $float: 1 }, "f93c00"],
  ["float.0.0", { $float: 0 }, "f90000"],
  ["float.65504", { $float: 65504 }, "f97bff"],
  ["float.100000", { $float: 100000 }, "fa47c35000"],
  ["float.3.4028234663852886e38", { $float: 3.4028234663852886e38 }, "fa7f7fffff"],
  ["float.1e300", { $float: 1e300 }, "fb7e37e43c8800759c"],
  ["float.5.960464477539063e-8", 5.960464477539063e-8, "f90001"],
  ["float.-4.1", -4.1, "fbc010666666666666"],
  ["float.1.1", 1.1, "fb3ff199999999999a"],
  ["float.0.1", 0.1, undefined],
  ["float.f32_exact", 1.0000001192092896, undefined],
  ["uint.2^32-1", 4294967295, undefined],
  ["uint.2^53", { $bigint: "9007199254740992" }, undefined],
  ["uint.2^64-1", { $bigint: "18446744073709551615" }, "1bffffffffffffffff"],
  ["nint.-2^64", { $bigint: "-18446744073709551616" }, "3bffffffffffffffff"],
  ["nint.-2^53", { $bigint: "-9007199254740992" }, undefined],
  ["bytes.empty", { $bytes: "" }, "40"],
  ["bytes.01020304", { $bytes: "01020304" }, "4401020304"],
  ["tstr.u00fc", "\u00fc", "62c3bc"],
  ["tstr.u6c34", "\u6c34", "63e6b0b4"],
  ["tstr.surrogate_pair", "\ud800\udd51", "64f0908591"],
  ["map.mixed_keys", {
    $map: [[{ $bytes: "00" }, 1], ["x", 0], [-1, "b"], [1, "a"], [[0], null]],
  }, undefined],
  ["map.non_ascii_keys", { "\u00e9": 1, z: 2, aa: 3 }, undefined],
  ["map.reserved_key", { $map: [["$bytes", "not bytes"]] }, undefined],
  ["nested", [[], {}, [[1]], { a: { b: [true, false, null] } }], undefined],
];

function encodeVectors(): Vector[] {
  return ENCODINGS.map(([name, value, rfcHex]) => {
    const id = `cbor_strict.encode.${name}`;
    const hex = canonicalHex(value);
    if (rfcHex !== undefined && hex !== rfcHex) {
      throw new FcpError("FCP-9001", `golden vector ${id}: RFC 8949 gives ${rfcHex}, we ${hex}`);
    }
    return {
      id,
      kind: "cbor_json_encode",
      provenance: rfcHex === undefined ? "fcp-computed" : "rfc8949-appendix-a",
      description: "Canonical CBOR of a value given in the JSON view of src/cbor/json.ts",
      source: rfcHex === undefined ? "src/conformance/golden.ts" : "RFC 8949 Appendix A",
      inputs: { value },
      expected: { cbor_hex: hex, decoded: cborToJson(decodeCbor(fromHex(hex))) },
    };
  });
}

const PREFIX = toHex(schemaHash({ namespace: "fcp.core", name: "AuditEvent", version: "1.0.0" }));
const OTHER_PREFIX = toHex(
  schemaHash({ namespace: "fcp.core", name: "AuditEvent", version: "1.0.1" }),
);

/** Inputs the strict decoder refuses, with the code stated by hand (issue 2 §5, WIRE.md §1). */
const REJECTIONS: ReadonlyArray<[string, string, string, string?]> = [
  // [name, cbor hex, stated code, expected prefix hex]
  ["non_canonical.int_1800", "1800", "FCP-1002"],
  ["non_canonical.int_1b_small", "1b00000000ffffffff", "FCP-1002"],
  ["non_canonical.bstr_length", "5801ff", "FCP-1002"],
  ["non_canonical.float_f32_1.5", "fa3fc00000", "FCP-1002"],
  ["non_canonical.float_f64_f32_exact", "fb3ff0000020000000", "FCP-1002"],
  ["non_canonical.negative_zero", "f98000", "FCP-1002"],
  ["non_canonical.unsorted_keys", "a2616201616102", "FCP-1002"],
  ["non_canonical.length_first_not_bytewise", "a2" + "3a00010000" + "00" + "0101", "FCP-1002"],
  ["duplicate_key", "a2616101616102", "FCP-1003"],
  ["indefinite.array", "9f01ff", "FCP-1004"],
  ["indefinite.bstr", "5f41ff", "FCP-1004"],
  ["tag.epoch_time", "c11a514b67b0", "FCP-1005"],
  ["tag.cose_sign1", "d24100", "FCP-1005"],
  ["float.nan", "f97e00", "FCP-1006"],
  ["float.infinity", "fa7f800000", "FCP-1006"],
  ["too_deep.129_arrays", "81".repeat(129) + "00", "FCP-1007"],
  ["oversized_length.bstr_2^64-1", "5bffffffffffffffff", "FCP-1008"],
  ["oversized_length.array_2^64-1", "9bffffffffffffffff", "FCP-1008"],
  ["oversized_length.map_2^32-1", "baffffffff", "FCP-1008"],
  ["oversized_length.bstr_past_end", "4201", "FCP-1008"],
  ["trailing_bytes", "0000", "FCP-1009"],
  ["truncated.head", "1901", "FCP-1001"],
  ["truncated.array_item", "820119", "FCP-1001"],
  ["truncated.empty", "", "FCP-1001"],
  ["malformed.invalid_utf8", "61ff", "FCP-1001"],
  ["malformed.undefined", "f7", "FCP-1001"],
  ["malformed.reserved_info", "1c", "FCP-1001"],
  ["malformed.lone_break", "ff", "FCP-1001"],
  ["prefix.wrong_schema", OTHER_PREFIX + "a0", "FCP-1011", PREFIX],
  ["prefix.shorter_than_32", PREFIX.slice(0, 62), "FCP-1011", PREFIX],
  ["prefix.then_trailing_bytes", PREFIX + "a000", "FCP-1009", PREFIX],
  ["prefix.then_non_canonical", PREFIX + "1800", "FCP-1002", PREFIX],
];

function rejectVectors(): Vector[] {
  return REJECTIONS.map(([name, cborHex, code, prefix]) => {
    const id = `cbor_strict.reject.${name}`;
    const got = rejectionCode(cborHex, prefix);
    if (got !== code) {
      throw new FcpError("FCP-9001", `golden vector ${id}: stated ${code}, the decoder ${got}`);
    }
    return {
      id,
      kind: "cbor_decode_reject",
      provenance: "fcp-stated",
      description: prefix === undefined
        ? "The strict canonical decoder refuses this input with this stable code"
        : "Decoding behind the 32-byte SchemaHash prefix refuses this input with this code",
      source: "src/conformance/golden.ts",
      inputs: prefix === undefined
        ? { cbor_hex: cborHex }
        : { cbor_hex: cborHex, expected_prefix_hex: prefix },
      expected: { code },
    };
  });
}

/**
 * The exact text written for a golden file (stable formatting, trailing newline).
 *
 * @example
 * ```ts
 * import { goldenFileText, goldenVectorFiles } from "./golden.ts";
 * import assert from "node:assert/strict";
 * assert.ok(goldenFileText(goldenVectorFiles()["model.json"]!).endsWith("}\n"));
 * ```
 */
export function goldenFileText(file: VectorFile): string {
  return JSON.stringify(file, null, 2) + "\n";
}
