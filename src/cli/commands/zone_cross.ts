/**
 * `fcp zone cross OBJECT_ID --from Z1 --to Z2 [--declassify | --approval FILE]`: move a stored
 * object into another zone (spec §6.2 `cross_zone`, §6.1 output-label rule).
 *
 * The object is rebuilt and verified in the source zone, then re-encrypted: stored anew in the
 * target zone, sealed with the target's active zone key under an ObjectId keyed with the
 * target's ObjectIdKey (WIRE.md §2, §8), so nothing of it is readable with the source zone's
 * keys. The crossing is recorded on the target zone's audit chain (`zone.crossing`, request =
 * the source id, result = the new id). Moving data to a zone of lower confidentiality is a
 * declassification: it needs an owner-signed Declassification ApprovalToken for exactly this
 * object and pair of zones (`FCP-3006` otherwise), either given with `--approval FILE` or signed
 * now with this home's owner key (`--declassify`); the approval is recorded as an
 * `approval.granted` event on the source zone's chain. The source object is left in place.
 *
 * Blobs carry no provenance header, so the data is labelled with the source zone's levels.
 *
 * @module
 */
import {
  type ApprovalToken,
  approvalTokenId,
  createApprovalToken,
  crossZone,
  decodeApprovalToken,
  effectiveConfidentiality,
  effectiveIntegrity,
  encodeApprovalToken,
  loadIdentity,
  originDataProvenance,
  ZoneKeyring,
  zoneLevels,
} from "../../authority/mod.ts";
import { openNodeAudit } from "../../api/mod.ts";
import { FcpError, fromHex, fromUtf8, toHex } from "../../core/mod.ts";
import { type ObjectId, parseZoneId, type ZoneId } from "../../model/mod.ts";
import { getObject, putObject } from "../../store/mod.ts";
import type { CliCommand, CommandContext } from "../types.ts";
import { UsageError } from "../usage_error.ts";
import { objectIdArg, withObjectHome } from "./object.ts";

/** Lifetime of an approval signed by `--declassify`: it is used at once. */
const DECLASSIFY_APPROVAL_TTL_SECS = 300;

function zoneArg(ctx: CommandContext, name: "from" | "to"): ZoneId {
  const v = ctx.string(name);
  if (v === undefined) throw new UsageError(`--${name} is required, e.g. --${name} z:work`);
  return parseZoneId(v);
}

async function readApproval(path: string): Promise<ApprovalToken> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (cause) {
    throw new UsageError(`cannot read approval file ${path}`, { cause });
  }
  // Hex text (as written by tools) or the raw canonical CBOR (a map: major type 5).
  if ((bytes[0]! & 0xe0) !== 0xa0) {
    bytes = fromHex(fromUtf8(bytes).replace(/\s+/g, ""), undefined, "approval");
  }
  return decodeApprovalToken(bytes);
}

/** `fcp zone cross`. */
export const zoneCross: CliCommand = {
  path: ["zone", "cross"],
  summary: "Move a stored object into another zone: re-encrypted, recorded, approval-gated",
  usage:
    "fcp zone cross OBJECT_ID --from Z1 --to Z2 [--declassify [--justification T] | --approval FILE] [--json]",
  description: [
    "Rebuilds and verifies OBJECT_ID in zone Z1, stores it again in Z2 sealed with Z2's zone",
    "key under a new ObjectId keyed with Z2's ObjectIdKey (prints the new id), and records the",
    "crossing on Z2's audit chain. Moving to a less confidential zone is a declassification and",
    "needs an owner-signed Declassification ApprovalToken for this object (FCP-3006, exit 12,",
    "otherwise): --approval FILE (hex or CBOR), or --declassify to sign one now with this home's",
    "owner key. The source object stays in Z1.",
  ].join("\n"),
  args: [{ name: "OBJECT_ID", description: "the object in Z1, 64 lowercase hex characters" }],
  options: {
    from: { type: "string", valueName: "Z1", description: "the zone the object is in" },
    to: { type: "string", valueName: "Z2", description: "the zone it moves to" },
    declassify: {
      type: "boolean",
      description: "sign the Declassification ApprovalToken now (owner key of this home)",
    },
    justification: {
      type: "string",
      valueName: "TEXT",
      description: "why, for the approval made by --declassify",
    },
    approval: {
      type: "string",
      valueName: "FILE",
      description: "an owner-signed Declassification ApprovalToken",
    },
  },
  async run(ctx) {
    const source: ObjectId = objectIdArg(ctx.positionals[0]!);
    const from = zoneArg(ctx, "from");
    const to = zoneArg(ctx, "to");
    if (from === to) throw new UsageError("--from and --to name the same zone");
    const approvalFile = ctx.string("approval");
    const declassify = ctx.flag("declassify");
    if (approvalFile !== undefined && declassify) {
      throw new UsageError("give either --approval FILE or --declassify, not both");
    }
    const identity = await loadIdentity(ctx.home);
    const ring = await ZoneKeyring.load(identity.keystore);
    const now = Math.floor(Date.now() / 1000);
    const lowering = zoneLevels(to).confidentiality < zoneLevels(from).confidentiality;
    let approval: ApprovalToken | undefined;
    if (approvalFile !== undefined) approval = await readApproval(approvalFile);
    else if (declassify && lowering) {
      approval = createApprovalToken({
        zoneId: from,
        scope: { kind: "Declassification", fromZone: from, toZone: to, objectIds: [source] },
        justification: (ctx.string("justification") ?? `fcp zone cross ${from} -> ${to}`)
          .slice(0, 256),
        approvedBy: "owner",
        now,
        ttlSecs: DECLASSIFY_APPROVAL_TTL_SECS,
      }, identity.owner);
    }
    const approvalId = approval === undefined
      ? undefined
      : approvalTokenId(approval, ring.objectIdKey(approval.header.zoneId).key);

    const moved = await withObjectHome(ctx.home, async (h) => {
      const data = await getObject(h.ctx, source, { zone: from });
      // The label rule first (FCP-3006 before anything is written to the target zone).
      const provenance = crossZone(originDataProvenance({ zone: from, now }), {
        toZone: to,
        now,
        actor: "owner",
        objectId: source,
        ...(approval === undefined ? {} : { approval, ownerPublicKey: identity.owner.publicKey }),
        ...(approvalId === undefined ? {} : { approvalId }),
      });
      const put = await putObject(h.ctx, data, { zone: to, now });
      const rec = await h.store.getObject(put.objectId);
      if (rec === undefined) throw new FcpError("FCP-9001", "the crossed object was not stored");
      return { put, provenance, zoneKeyId: rec.seal.zoneKeyId };
    });

    const audit = openNodeAudit(ctx.home, identity, ring, () => now);
    try {
      if (approvalId !== undefined && lowering) {
        await audit.append(from, {
          eventType: "approval.granted",
          actor: "owner",
          requestObjectId: source,
          resultObjectId: approvalId,
          occurredAt: now,
        });
      }
      await audit.append(to, {
        eventType: "zone.crossing",
        actor: "owner",
        requestObjectId: source,
        resultObjectId: moved.put.objectId,
        occurredAt: now,
      });
    } finally {
      audit.close();
    }

    const crossing = moved.provenance.zoneCrossings.at(-1)!;
    if (ctx.json) {
      ctx.printJson({
        source_object_id: toHex(source),
        object_id: toHex(moved.put.objectId),
        from_zone: from,
        to_zone: to,
        size: moved.put.size,
        zone_key_id: toHex(moved.zoneKeyId),
        declassified: crossing.authorizedBy !== undefined,
        approval_id: crossing.authorizedBy === undefined ? null : toHex(crossing.authorizedBy),
        ...(declassify && approval !== undefined
          ? { approval_hex: toHex(encodeApprovalToken(approval)) }
          : {}),
        labels: {
          integrity: effectiveIntegrity(moved.provenance),
          confidentiality: effectiveConfidentiality(moved.provenance),
        },
        crossed_at: crossing.crossedAt,
      });
      return;
    }
    ctx.out(toHex(moved.put.objectId));
    ctx.err(
      `crossed ${from} -> ${to}: re-encrypted under zone key ${toHex(moved.zoneKeyId)}` +
        (crossing.authorizedBy === undefined
          ? ""
          : `, declassified by approval ${toHex(crossing.authorizedBy)}`),
    );
  },
};
