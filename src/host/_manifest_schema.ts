/**
 * The manifest validator: walks the parsed TOML, records every problem with its key path and
 * builds the typed {@link ConnectorManifest} with defaults applied. The rules are listed in
 * `manifest.ts`; operations and the sandbox are checked in `_manifest_schema_operation.ts` and
 * `_manifest_schema_sandbox.ts`.
 *
 * @module
 */
import { parseZoneId } from "../model/mod.ts";
import { at, bounded, canonical, ProblemSink, type Table } from "./_manifest_reader.ts";
import { readOperations } from "./_manifest_schema_operation.ts";
import { readSandbox } from "./_manifest_schema_sandbox.ts";
import { computeInterfaceHash, INTERFACE_HASH_PATTERN } from "./manifest_interface_hash.ts";
import { isSemver } from "./manifest_version.ts";
import {
  type ConnectorManifest,
  type ConnectorState,
  CRDT_TYPES,
  EXEC_CAPABILITY,
  MANIFEST_FORMAT,
  MANIFEST_SCHEMA_VERSIONS,
  STATE_MODELS,
} from "./manifest_types.ts";

const ARCHETYPES = ["bidirectional", "streaming", "operational", "storage", "knowledge"];
const FORMATS = ["deno", "wasi", "native"];

/** The outcome of validating parsed TOML. */
export interface SchemaResult {
  /** The problems, with key paths. */
  sink: ProblemSink;
  /** The typed manifest, set when there are no errors. */
  manifest?: ConnectorManifest;
  /** The interface hash computed from the file (set when the rest had no errors). */
  computedHash?: string;
}

function readManifestTable(sink: ProblemSink, root: Table) {
  const m = sink.table(root, "manifest", "");
  if (m === undefined) {
    if (root.manifest === undefined) {
      sink.error("manifest", "manifest.missing", "the [manifest] table is missing", true);
    }
    return { schemaVersion: "", interfaceHash: undefined };
  }
  sink.unknownKeys(m, [
    "format",
    "schema_version",
    "interface_hash",
    "min_mesh_version",
    "min_protocol",
    "protocol_features",
    "max_datagram_bytes",
  ], "manifest");
  const format = m.format === undefined ? undefined : sink.str(m, "format", "manifest");
  if (m.format === undefined) {
    sink.error("manifest.format", "manifest.format", `'manifest.format' is required`, true);
  } else if (format !== undefined && format !== MANIFEST_FORMAT) {
    sink.error(
      "manifest.format",
      "manifest.format",
      `'manifest.format' must be "${MANIFEST_FORMAT}"`,
    );
  }
  let schemaVersion = "";
  if (m.schema_version === undefined) {
    sink.error(
      "manifest.schema_version",
      "manifest.schema_version",
      "'manifest.schema_version' is required",
      true,
    );
  } else {
    const v = sink.str(m, "schema_version", "manifest");
    if (v !== undefined && !MANIFEST_SCHEMA_VERSIONS.includes(v)) {
      sink.error(
        "manifest.schema_version",
        "manifest.schema_version",
        `schema_version "${v}" is not supported (supported: ${
          MANIFEST_SCHEMA_VERSIONS.join(", ")
        })`,
      );
    } else if (v !== undefined) schemaVersion = v;
  }
  let interfaceHash: string | undefined;
  if (m.interface_hash === undefined) {
    sink.error(
      "manifest.interface_hash",
      "interface_hash.missing",
      "'manifest.interface_hash' is missing (fix computes it)",
      true,
    );
  } else {
    const h = sink.str(m, "interface_hash", "manifest");
    if (h !== undefined && !INTERFACE_HASH_PATTERN.test(h)) {
      sink.error(
        "manifest.interface_hash",
        "interface_hash.invalid",
        `interface_hash must be "blake3-256:fcp.interface.v2:<64 lowercase hex>" (fix recomputes it)`,
        true,
      );
    } else interfaceHash = h;
  }
  const mmv = sink.str(m, "min_mesh_version", "manifest");
  if (mmv !== undefined && !isSemver(mmv)) {
    sink.error(
      "manifest.min_mesh_version",
      "field.semver",
      `min_mesh_version "${mmv}" is not SemVer`,
    );
  }
  const mp = sink.str(m, "min_protocol", "manifest");
  if (mp !== undefined && !/^[a-z0-9-]+\/\d+\.\d+$/.test(mp)) {
    sink.error(
      "manifest.min_protocol",
      "field.format",
      `min_protocol "${mp}" must look like "fcp2-sym/2.0"`,
    );
  }
  sink.strList(m, "protocol_features", "manifest");
  bounded(sink, m, "max_datagram_bytes", "manifest", [512, 65_535], null, "field.range");
  return {
    schemaVersion,
    interfaceHash,
    minMeshVersion: mmv !== undefined && isSemver(mmv) ? mmv : undefined,
  };
}

function readState(sink: ProblemSink, c: Table): ConnectorState {
  const legacy = sink.bool(c, "singleton_writer", "connector");
  const s = sink.table(c, "state", "connector");
  if (s === undefined) {
    if (legacy === true) {
      sink.error(
        "connector.state",
        "state.schema_version_missing",
        "singleton_writer state needs [connector.state] with state_schema_version (§10.4)",
      );
      return { model: "singleton_writer" };
    }
    if (c.state === undefined) {
      sink.error(
        "connector.state",
        "state.missing",
        `[connector.state] is missing: declare model = "stateless" | "singleton_writer" | "crdt" (§10.4)`,
      );
    }
    return { model: "stateless" };
  }
  const p = "connector.state";
  sink.unknownKeys(s, [
    "model",
    "crdt_type",
    "state_schema_version",
    "migration_hint",
    "snapshot_every_updates",
    "snapshot_every_bytes",
  ], p);
  const model = sink.oneOf(s, "model", p, STATE_MODELS, true) ?? "stateless";
  const out: ConnectorState = { model };
  if (legacy !== undefined && legacy !== (model === "singleton_writer")) {
    sink.error(
      "connector.singleton_writer",
      "state.singleton_conflict",
      `legacy singleton_writer = ${legacy} contradicts state model "${model}"`,
    );
  }
  const crdt = sink.oneOf(s, "crdt_type", p, CRDT_TYPES);
  if (model === "crdt" && s.crdt_type === undefined) {
    sink.error(
      at(p, "crdt_type"),
      "state.crdt_type_missing",
      `model "crdt" needs crdt_type (${CRDT_TYPES.join(", ")})`,
    );
  } else if (model !== "crdt" && s.crdt_type !== undefined) {
    sink.error(
      at(p, "crdt_type"),
      "state.crdt_type_unexpected",
      `crdt_type is only allowed with model = "crdt"`,
    );
  }
  if (crdt !== undefined && model === "crdt") out.crdtType = crdt;
  const ver = sink.str(s, "state_schema_version", p);
  if (ver !== undefined) out.stateSchemaVersion = ver;
  else if (model !== "stateless" && s.state_schema_version === undefined) {
    sink.error(
      at(p, "state_schema_version"),
      "state.schema_version_missing",
      `model "${model}" needs state_schema_version (§10.4, safe upgrades)`,
    );
  }
  const hint = sink.str(s, "migration_hint", p);
  if (hint !== undefined) out.migrationHint = hint;
  for (
    const [key, prop] of [["snapshot_every_updates", "snapshotEveryUpdates"], [
      "snapshot_every_bytes",
      "snapshotEveryBytes",
    ]] as const
  ) {
    const v = bounded(sink, s, key, p, [1, Number.MAX_SAFE_INTEGER], null, "field.range");
    if (v !== undefined) {
      if (model === "stateless") {
        sink.warn(
          at(p, key),
          "state.snapshot_unused",
          `${key} has no effect on a stateless connector`,
        );
      }
      out[prop] = v;
    }
  }
  return out;
}

function readZones(sink: ProblemSink, root: Table): ConnectorManifest["zones"] {
  const out: ConnectorManifest["zones"] = { allowedSources: [], allowedTargets: [], forbidden: [] };
  const z = sink.table(root, "zones", "");
  if (z === undefined) {
    if (root.zones === undefined) {
      sink.error(
        "zones",
        "zones.missing",
        "[zones] is missing: declare home and/or allowed_targets",
      );
    }
    return out;
  }
  sink.unknownKeys(z, ["home", "allowed_sources", "allowed_targets", "forbidden"], "zones");
  const valid = (id: string, path: string) => {
    try {
      parseZoneId(id);
      return true;
    } catch (e) {
      sink.error(
        path,
        "zones.invalid",
        `"${id}" is not a zone id: ${(e as { detail?: string }).detail ?? ""}`,
      );
      return false;
    }
  };
  const home = sink.str(z, "home", "zones");
  if (home !== undefined && valid(home, "zones.home")) out.home = home;
  for (
    const [key, prop] of [["allowed_sources", "allowedSources"], [
      "allowed_targets",
      "allowedTargets",
    ], ["forbidden", "forbidden"]] as const
  ) {
    sink.strList(z, key, "zones").forEach((id, i) => {
      if (valid(id, at(at("zones", key), i)) && !out[prop].includes(id)) out[prop].push(id);
    });
  }
  if (
    out.home === undefined && out.allowedTargets.length === 0 && z.home === undefined &&
    z.allowed_targets === undefined
  ) {
    sink.error(
      "zones",
      "zones.none",
      "[zones] must declare home or allowed_targets (where an instance may be bound)",
    );
  }
  const check = (id: string, path: string) => {
    if (out.forbidden.includes(id)) {
      sink.error(path, "zones.conflict", `zone ${id} is both allowed and forbidden`);
    }
  };
  if (out.home !== undefined) check(out.home, "zones.home");
  out.allowedSources.forEach((id) => check(id, "zones.allowed_sources"));
  out.allowedTargets.forEach((id) => check(id, "zones.allowed_targets"));
  return out;
}

function readCapabilities(sink: ProblemSink, root: Table): ConnectorManifest["capabilities"] {
  const out = { required: [] as string[], optional: [] as string[], forbidden: [] as string[] };
  const c = sink.table(root, "capabilities", "");
  if (c === undefined) {
    if (root.capabilities === undefined) {
      sink.error(
        "capabilities",
        "capability.exec_not_forbidden",
        `[capabilities] is missing; at least forbidden = ["${EXEC_CAPABILITY}"] is required`,
        true,
      );
    }
    return out;
  }
  sink.unknownKeys(c, ["required", "optional", "forbidden"], "capabilities");
  const seen = new Map<string, string>();
  for (const key of ["required", "optional", "forbidden"] as const) {
    sink.strList(c, key, "capabilities").forEach((id, i) => {
      const path = at(at("capabilities", key), i);
      if (!canonical(sink, id, path, "capability.id_invalid", "capability id")) return;
      const prior = seen.get(id);
      if (prior !== undefined) {
        sink.error(
          path,
          "capability.duplicate",
          `capability ${id} is listed twice (also in ${prior})`,
        );
        return;
      }
      seen.set(id, key);
      out[key].push(id);
      if (id === EXEC_CAPABILITY && key !== "forbidden") {
        sink.error(
          path,
          "capability.exec_allowed",
          `${EXEC_CAPABILITY} can never be ${key}: connectors do not start processes`,
        );
      }
    });
  }
  if (!out.forbidden.includes(EXEC_CAPABILITY) && seen.get(EXEC_CAPABILITY) === undefined) {
    sink.error(
      "capabilities.forbidden",
      "capability.exec_not_forbidden",
      `capabilities.forbidden must contain "${EXEC_CAPABILITY}" (fix adds it)`,
      true,
    );
  }
  return out;
}

const HASH_CODES = new Set([
  "interface_hash.missing",
  "interface_hash.invalid",
  "interface_hash.mismatch",
]);

/** Validate a parsed manifest document. */
export function validateManifestDocument(root: Table): SchemaResult {
  const sink = new ProblemSink();
  sink.unknownKeys(root, [
    "manifest",
    "connector",
    "zones",
    "capabilities",
    "operations",
    "sandbox",
    "event_caps",
    "signatures",
    "supply_chain",
    "policy",
    "provides",
  ], "");
  if (root.provides !== undefined) {
    sink.error(
      "provides",
      "field.unsupported",
      "declare operations as [[operations]] tables with an id key",
    );
  }
  const head = readManifestTable(sink, root);
  const c = sink.table(root, "connector", "", true) ?? {};
  sink.unknownKeys(c, [
    "id",
    "name",
    "version",
    "description",
    "archetypes",
    "format",
    "singleton_writer",
    "state",
  ], "connector");
  const id = sink.str(c, "id", "connector", true) ?? "";
  if (id !== "") canonical(sink, id, "connector.id", "connector.id_invalid", "connector id");
  const name = sink.str(c, "name", "connector", true) ?? "";
  const version = sink.str(c, "version", "connector", true) ?? "";
  if (version !== "" && !isSemver(version)) {
    sink.error(
      "connector.version",
      "field.semver",
      `version "${version}" is not SemVer (e.g. 1.2.3)`,
    );
  }
  const description = sink.str(c, "description", "connector", true) ?? "";
  const archetypes = sink.strList(c, "archetypes", "connector");
  archetypes.forEach((a, i) => {
    if (!ARCHETYPES.includes(a)) {
      sink.error(
        at("connector.archetypes", i),
        "field.enum",
        `archetype "${a}"; expected one of ${ARCHETYPES.join(", ")}`,
      );
    }
  });
  sink.oneOf(c, "format", "connector", FORMATS);
  const state = readState(sink, c);
  const zones = readZones(sink, root);
  const capabilities = readCapabilities(sink, root);
  const operations = readOperations(sink, root, capabilities);
  const sandbox = readSandbox(sink, root);
  const result: SchemaResult = { sink };
  if (sink.errorCount((code) => !HASH_CODES.has(code)) === 0) {
    const computed = computeInterfaceHash({ id, capabilities, operations });
    result.computedHash = computed;
    if (head.interfaceHash !== undefined && head.interfaceHash !== computed) {
      sink.error(
        "manifest.interface_hash",
        "interface_hash.mismatch",
        `interface_hash does not match the operations (expected ${computed}; fix updates it)`,
        true,
      );
    }
  }
  if (sink.errorCount() === 0 && head.interfaceHash !== undefined) {
    const m: ConnectorManifest = {
      schemaVersion: head.schemaVersion,
      interfaceHash: head.interfaceHash,
      id,
      name,
      version,
      description,
      archetypes,
      state,
      zones,
      capabilities,
      operations,
      sandbox,
    };
    if (head.minMeshVersion !== undefined) m.minMeshVersion = head.minMeshVersion;
    result.manifest = m;
  }
  return result;
}
