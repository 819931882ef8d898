/**
 * `fcp zone list` and `fcp zone rotate ZONE`: the zone keyring of this node (WIRE.md §7).
 * Key bytes are never printed; only key ids (opaque random 8-byte names) are shown.
 *
 * @module
 */
import {
  Keystore,
  loadIdentity,
  ZONE_KEYS_FILE,
  ZoneKeyring,
  type ZoneSummary,
} from "../../authority/mod.ts";
import { FcpError } from "../../core/mod.ts";
import { parseZoneId } from "../../model/mod.ts";
import type { CliCommand, CommandContext } from "../types.ts";

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.000Z$/, "Z");
}

function summaryJson(s: ZoneSummary): Record<string, unknown> {
  return {
    zone_id: s.zoneId,
    zone_key_id: s.zoneKeyId,
    object_id_key_id: s.objectIdKeyId,
    algorithm: s.algorithm,
    valid_from: s.validFrom,
    ...(s.validUntil === undefined ? {} : { valid_until: s.validUntil }),
    ...(s.prevZoneKeyId === undefined ? {} : { prev_zone_key_id: s.prevZoneKeyId }),
    member_count: s.memberCount,
    retained_zone_key_ids: s.retainedZoneKeyIds,
  };
}

async function loadRing(home: string): Promise<ZoneKeyring> {
  const store = new Keystore(home); // read-only use: do not create the home
  if (!(await store.hasPublic(ZONE_KEYS_FILE))) {
    throw new FcpError("FCP-2012", `no zone keys in ${home}; run 'fcp init' first`);
  }
  return await ZoneKeyring.load(store);
}

function printTable(ctx: CommandContext, rows: readonly ZoneSummary[]): void {
  const header = ["ZONE", "ZONE KEY ID", "OBJECT ID KEY ID", "ALGORITHM", "VALID FROM", "MEMBERS"];
  const cells = rows.map((s) => [
    s.zoneId,
    s.zoneKeyId,
    s.objectIdKeyId,
    s.algorithm,
    iso(s.validFrom),
    String(s.memberCount),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  for (const line of [header, ...cells]) {
    ctx.out(line.map((c, i) => i === line.length - 1 ? c : c.padEnd(widths[i]!)).join("  "));
  }
}

/** `fcp zone list`. */
export const zoneList: CliCommand = {
  path: ["zone", "list"],
  summary: "List this node's zones with their key ids, algorithm and members",
  usage: "fcp zone list [--json]",
  description: [
    "Shows, per zone, the active zone key id, the ObjectIdKey id, the AEAD algorithm",
    "(WIRE.md D15 strings), valid_from and the number of member nodes the latest",
    "ZoneKeyManifest was sealed to. Key bytes are never shown.",
  ].join("\n"),
  async run(ctx) {
    const rows = (await loadRing(ctx.home)).summaries();
    if (ctx.json) {
      ctx.printJson({ zones: rows.map(summaryJson) });
      return;
    }
    printTable(ctx, rows);
  },
};

/** `fcp zone rotate ZONE`. */
export const zoneRotate: CliCommand = {
  path: ["zone", "rotate"],
  summary: "Rotate a zone's key: new key, owner-signed manifest, previous key retained",
  usage: "fcp zone rotate ZONE [--json]",
  description: [
    "Generates a new random zone key (new random 8-byte id) for ZONE, seals it and the",
    "unchanged ObjectIdKey to every member node in a ZoneKeyManifest signed by the owner key",
    "with prev_zone_key_id set to the old id, verifies and applies it. The previous key stays",
    "in the keyring to decrypt older symbols. Prints the new zone key id.",
  ].join("\n"),
  args: [{ name: "ZONE", description: "zone id, e.g. z:work" }],
  async run(ctx) {
    const zone = parseZoneId(ctx.positionals[0]!);
    const identity = await loadIdentity(ctx.home);
    const ring = await loadRing(ctx.home);
    const now = Math.floor(Date.now() / 1000);
    const { manifest } = await ring.rotate(zone, identity, now);
    const s = ring.summaries().find((x) => x.zoneId === zone)!;
    if (ctx.json) {
      ctx.printJson(summaryJson(s));
      return;
    }
    ctx.out(`rotated ${zone}: new zone key id ${s.zoneKeyId}`);
    ctx.out(
      `previous key ${s.prevZoneKeyId ?? "-"} retained; ` +
        `sealed to ${manifest.wrappedKeys.length} member(s); algorithm ${s.algorithm}`,
    );
  },
};
