/**
 * Installed connectors and their instances (issue 5 §2), in host.db. An installed connector
 * names the package object (its ObjectId in `z:owner`) that holds its code; an instance binds
 * one installed connector to one zone (spec §10.2 "bind to zone") with the directories the
 * operator granted and its configuration, and records whether it should be active. The node
 * starts every instance marked active when it starts.
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { FcpError } from "../core/mod.ts";
import { parseZoneId, validateCanonicalId, type ZoneId } from "../model/mod.ts";

/** Where an installed connector came from. */
export type ConnectorSource = "builtin" | "path";

/** One installed connector. */
export interface InstalledConnector {
  /** Connector id, e.g. `fcp.fs`. */
  readonly id: string;
  /** Version of the manifest. */
  readonly version: string;
  /** Connector folder inside the package. */
  readonly folder: string;
  /** ObjectId (z:owner) of the package. */
  readonly packageId: Uint8Array;
  /** Shipped with fcp, or installed from a folder. */
  readonly source: ConnectorSource;
  /** Unix seconds. */
  readonly installedAt: number;
}

/** Directories granted to an instance (absolute paths). */
export interface InstanceGrants {
  /** Readable roots (`$GRANTED` in `fs_readonly_paths`). */
  readonly read: readonly string[];
  /** Writable roots (`$GRANTED` in `fs_writable_paths`). */
  readonly write: readonly string[];
  /** Extra `host:port` entries the operator lets this instance reach (added to host_allow). */
  readonly net?: readonly string[];
}

/** A connector bound to a zone. */
export interface ConnectorInstance {
  /** `<connector id>:<zone id>`, a canonical InstanceId (spec §3.4.2). */
  readonly instanceId: string;
  /** Connector id. */
  readonly connectorId: string;
  /** The one zone it serves. */
  readonly zone: ZoneId;
  /** Whether the node should run it. */
  readonly desired: "active" | "inactive";
  /** Granted directories. */
  readonly grants: InstanceGrants;
  /** `configure` values (JSON). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Unix seconds of the last change. */
  readonly updatedAt: number;
}

/**
 * The instance id of a connector in a zone.
 *
 * @example
 * ```ts
 * import { instanceIdFor } from "./connector_registry.ts";
 * import assert from "node:assert/strict";
 * assert.equal(instanceIdFor("fcp.fs", "z:work"), "fcp.fs:z:work");
 * ```
 */
export function instanceIdFor(connectorId: string, zone: ZoneId | string): string {
  return validateCanonicalId(`${connectorId}:${parseZoneId(zone)}`, "instance id");
}

type Row = Record<string, unknown>;

function installedOf(r: Row): InstalledConnector {
  return {
    id: String(r.connector_id),
    version: String(r.version),
    folder: String(r.folder),
    packageId: new Uint8Array(r.package_id as Uint8Array),
    source: r.source === "builtin" ? "builtin" : "path",
    installedAt: Number(r.installed_at),
  };
}

function parseJson(text: unknown, what: string): unknown {
  try {
    return JSON.parse(String(text));
  } catch (cause) {
    throw new FcpError("FCP-9002", `host.db holds a malformed ${what}`, { cause });
  }
}

function instanceOf(r: Row): ConnectorInstance {
  const grants = parseJson(r.grants_json, "grant list") as InstanceGrants;
  return {
    instanceId: String(r.instance_id),
    connectorId: String(r.connector_id),
    zone: parseZoneId(String(r.zone)),
    desired: r.desired === "active" ? "active" : "inactive",
    grants: {
      read: [...(grants.read ?? [])],
      write: [...(grants.write ?? [])],
      ...(grants.net === undefined ? {} : { net: [...grants.net] }),
    },
    config: parseJson(r.config_json, "configuration") as Record<string, unknown>,
    updatedAt: Number(r.updated_at),
  };
}

/**
 * Installed connectors and instances over a host database.
 *
 * @example
 * ```ts
 * import { ConnectorRegistry } from "./connector_registry.ts";
 * import { openHostDb } from "./host_db.ts";
 * import assert from "node:assert/strict";
 * const db = openHostDb(":memory:");
 * const reg = new ConnectorRegistry(db);
 * reg.recordInstall({ id: "fcp.fs", version: "0.1.0", folder: "fs", packageId: new Uint8Array(32),
 *   source: "builtin", installedAt: 1 });
 * reg.setInstance({ connectorId: "fcp.fs", zone: "z:work", desired: "active",
 *   grants: { read: ["/tmp"], write: [] }, config: {}, updatedAt: 2 });
 * assert.equal(reg.installed("fcp.fs")?.version, "0.1.0");
 * assert.equal(reg.instance("fcp.fs", "z:work")?.instanceId, "fcp.fs:z:work");
 * assert.equal(reg.instances().filter((i) => i.desired === "active").length, 1);
 * db.close();
 * ```
 */
export class ConnectorRegistry {
  readonly #upsertConnector: StatementSync;
  readonly #getConnector: StatementSync;
  readonly #listConnectors: StatementSync;
  readonly #upsertInstance: StatementSync;
  readonly #getInstance: StatementSync;
  readonly #listInstances: StatementSync;

  /** Use the tables of an open host database. */
  constructor(db: DatabaseSync) {
    this.#upsertConnector = db.prepare(
      `INSERT INTO connectors (connector_id, version, folder, package_id, source, installed_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (connector_id) DO UPDATE SET version = excluded.version,
         folder = excluded.folder, package_id = excluded.package_id, source = excluded.source,
         installed_at = excluded.installed_at`,
    );
    this.#getConnector = db.prepare("SELECT * FROM connectors WHERE connector_id = ?");
    this.#listConnectors = db.prepare("SELECT * FROM connectors ORDER BY connector_id");
    this.#upsertInstance = db.prepare(
      `INSERT INTO instances (instance_id, connector_id, zone, desired, grants_json, config_json,
         updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (instance_id) DO UPDATE SET desired = excluded.desired,
         grants_json = excluded.grants_json, config_json = excluded.config_json,
         updated_at = excluded.updated_at`,
    );
    this.#getInstance = db.prepare("SELECT * FROM instances WHERE instance_id = ?");
    this.#listInstances = db.prepare("SELECT * FROM instances ORDER BY instance_id");
  }

  /** Record (or replace) an installed connector. */
  recordInstall(c: InstalledConnector): void {
    validateCanonicalId(c.id, "connector id");
    this.#upsertConnector.run(c.id, c.version, c.folder, c.packageId, c.source, c.installedAt);
  }

  /** An installed connector, or `undefined`. */
  installed(id: string): InstalledConnector | undefined {
    const r = this.#getConnector.get(id) as Row | undefined;
    return r === undefined ? undefined : installedOf(r);
  }

  /** Every installed connector, by id. */
  list(): InstalledConnector[] {
    return (this.#listConnectors.all() as Row[]).map(installedOf);
  }

  /** Create or update the instance of a connector in a zone; returns it. */
  setInstance(i: Omit<ConnectorInstance, "instanceId">): ConnectorInstance {
    const instanceId = instanceIdFor(i.connectorId, i.zone);
    this.#upsertInstance.run(
      instanceId,
      i.connectorId,
      parseZoneId(i.zone),
      i.desired,
      JSON.stringify(i.grants),
      JSON.stringify(i.config),
      i.updatedAt,
    );
    return { ...i, instanceId, zone: parseZoneId(i.zone) };
  }

  /** The instance of a connector in a zone, or `undefined`. */
  instance(connectorId: string, zone: ZoneId | string): ConnectorInstance | undefined {
    const r = this.#getInstance.get(instanceIdFor(connectorId, zone)) as Row | undefined;
    return r === undefined ? undefined : instanceOf(r);
  }

  /** Every instance (of one connector when given), by instance id. */
  instances(connectorId?: string): ConnectorInstance[] {
    const all = (this.#listInstances.all() as Row[]).map(instanceOf);
    return connectorId === undefined ? all : all.filter((i) => i.connectorId === connectorId);
  }
}
