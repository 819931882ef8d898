/**
 * Verification of a zone's audit chain (spec §23.4): every event decodes, has the stored id,
 * is signed by a known node, follows its predecessor (seq + 1, prev = ObjectId of the
 * previous event, genesis seq 0 without prev), and the chain reaches the signed AuditHead.
 * The first break is reported as a precise {@link AuditFinding}: which seq was edited,
 * removed, reordered, duplicated, or cut off relative to the head.
 *
 * @module
 */
import { equalBytes, FcpError, toHex } from "../core/mod.ts";
import { type ObjectId, parseZoneId, type ZoneId } from "../model/mod.ts";
import {
  type AuditEvent,
  auditEventIdOfBytes,
  auditEventSignatureValid,
  decodeAuditEvent,
} from "./audit_event.ts";
import { type AuditHead, decodeAuditHead, verifyAuditHead } from "./audit_head.ts";

/** What kind of break was found. */
export type AuditFindingKind =
  /** An event's bytes do not decode, or belong to another zone. */
  | "malformed"
  /** An event's content changed: its id or its signature does not match. */
  | "edited"
  /** An event is missing inside the chain (a gap in seq). */
  | "removed"
  /** Events are out of order. */
  | "reordered"
  /** An event appears twice. */
  | "duplicated"
  /** A validly signed event does not link to its predecessor (a different history). */
  | "forked"
  /** An event is signed by a node whose key is unknown. */
  | "unknown_signer"
  /** Events are missing at the end: the signed head names a later seq. */
  | "truncated"
  /** The head does not decode, is for another zone, or its signature is invalid. */
  | "head_invalid"
  /** Events exist but no head was stored. */
  | "head_missing"
  /** The head names a different event than the chain holds at its seq, or is behind. */
  | "head_mismatch";

/** The first break of a chain. */
export interface AuditFinding {
  /** What was found. */
  readonly kind: AuditFindingKind;
  /** The chain seq where it was found (the missing seq for `removed` and `truncated`). */
  readonly seq: number;
  /** A stable sub-reason, e.g. `id_mismatch`, `signature_invalid`, `seq_gap`. */
  readonly reason: string;
  /** One line for people. */
  readonly detail: string;
}

/** One stored event as read back from storage. */
export interface StoredAuditRecord {
  /** The seq the storage filed it under (checked against the event's own seq). */
  readonly seq?: number;
  /** The id the storage recorded (checked against the id of the bytes). */
  readonly id?: ObjectId;
  /** The event's canonical CBOR bytes. */
  readonly bytes: Uint8Array;
}

/** Options of {@link verifyAuditChain}. */
export interface VerifyAuditChainOptions {
  /** The zone of the chain. */
  readonly zoneId: ZoneId | string;
  /** The zone's ObjectIdKey. */
  readonly objectIdKey: Uint8Array;
  /** Public signing key of a node by id (undefined when unknown). */
  readonly resolveKey: (nodeId: string) => Uint8Array | undefined;
  /** The signed head to check the chain against (object or its bytes). */
  readonly head?: AuditHead | Uint8Array;
  /** Report `head_missing` when there are events but no head (default false). */
  readonly requireHead?: boolean;
  /** The head must name the last event (default false: an older head is fine). */
  readonly headMustBeLatest?: boolean;
  /** Minimum number of head signatures (default 1). */
  readonly headThreshold?: number;
  /**
   * Events that records kept outside the audit log say were appended (e.g. the request log in
   * host.db names the audit event of every decision). Each must be in the chain: this finds a
   * tail cut off together with a genuine older head put back, or a chain replaced whole,
   * which the chain alone cannot show.
   */
  readonly referenced?: readonly AuditReference[];
}

/** An event id that a record outside the audit log names (see `referenced`). */
export interface AuditReference {
  /** The event's ObjectId, hex. */
  readonly eventId: string;
  /** What names it, for the finding (e.g. `request 1b4e...`). */
  readonly by: string;
}

/** An intact chain. */
export interface AuditChainIntact {
  /** Intact. */
  readonly ok: true;
  /** The zone. */
  readonly zoneId: ZoneId;
  /** Number of events. */
  readonly events: number;
  /** Seq of the last event, −1 for an empty chain. */
  readonly headSeq: number;
  /** Id of the last event. */
  readonly headEvent?: ObjectId;
}

/** A broken chain. */
export interface AuditChainBroken {
  /** Broken. */
  readonly ok: false;
  /** The zone. */
  readonly zoneId: ZoneId;
  /** Number of events verified in order before the break. */
  readonly events: number;
  /** Seq of the last verified event before the break, −1 if none. */
  readonly headSeq: number;
  /** The break. */
  readonly finding: AuditFinding;
}

/** The outcome of {@link verifyAuditChain}. */
export type AuditChainResult = AuditChainIntact | AuditChainBroken;

interface Decoded {
  readonly rec: StoredAuditRecord;
  readonly event?: AuditEvent;
  readonly id?: ObjectId;
  readonly error?: string;
}

/**
 * Verify a chain given in storage order. Pure: pass the records and the head as stored.
 *
 * @example
 * ```ts
 * import { verifyAuditChain } from "./audit_verify.ts";
 * import { createAuditEvent, encodeAuditEvent, auditEventId } from "./audit_event.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const seed = new Uint8Array(32).fill(5);
 * const key = new Uint8Array(32).fill(1);
 * const g = createAuditEvent({ zoneId: "z:work", seq: 0, occurredAt: 1, nodeId: "n",
 *   eventType: "node.start", actor: "n" }, seed);
 * const e1 = createAuditEvent({ zoneId: "z:work", seq: 1, prev: auditEventId(g, key),
 *   occurredAt: 2, nodeId: "n", eventType: "invoke", actor: "agent" }, seed);
 * const opts = { zoneId: "z:work", objectIdKey: key, resolveKey: () => ed25519PublicKey(seed) };
 * const ok = verifyAuditChain([g, e1].map((e) => ({ bytes: encodeAuditEvent(e) })), opts);
 * assert.equal(ok.ok, true);
 * const bad = verifyAuditChain([{ bytes: encodeAuditEvent(e1) }], opts);
 * assert.equal(bad.ok ? "" : bad.finding.kind, "removed");
 * ```
 */
export function verifyAuditChain(
  records: readonly StoredAuditRecord[],
  opts: VerifyAuditChainOptions,
): AuditChainResult {
  const zoneId = parseZoneId(opts.zoneId);
  const decoded: Decoded[] = records.map((rec) => {
    let event: AuditEvent;
    try {
      event = decodeAuditEvent(rec.bytes);
    } catch (e) {
      return { rec, error: e instanceof FcpError ? e.detail : "does not decode" };
    }
    return { rec, event, id: auditEventIdOfBytes(zoneId, rec.bytes, opts.objectIdKey) };
  });
  const storedIds = new Set(
    records.filter((r) => r.id !== undefined).map((r) => toHex(r.id!)),
  );
  const seen = new Map<string, number>();
  let expected = 0;
  let prevId: ObjectId | undefined;
  const broken = (
    kind: AuditFindingKind,
    seq: number,
    reason: string,
    detail: string,
  ): AuditChainBroken => ({
    ok: false,
    zoneId,
    events: expected,
    headSeq: expected - 1,
    finding: { kind, seq, reason, detail },
  });

  for (let i = 0; i < decoded.length; i++) {
    const d = decoded[i]!;
    const at = d.rec.seq ?? expected;
    if (d.event === undefined || d.id === undefined) {
      return broken("malformed", at, "decode", `event at seq ${at}: ${d.error}`);
    }
    const e = d.event;
    if (e.zoneId !== zoneId) {
      return broken("malformed", at, "zone_mismatch", `event at seq ${at} is for ${e.zoneId}`);
    }
    const idHex = toHex(d.id);
    if (d.rec.id !== undefined && !equalBytes(d.rec.id, d.id) && !storedIds.has(idHex)) {
      // The bytes no longer hash to the recorded id and are no other stored event: edited.
      return broken(
        "edited",
        e.seq,
        "id_mismatch",
        `event ${e.seq}: its bytes do not match the recorded id ${toHex(d.rec.id)}`,
      );
    }
    const pk = opts.resolveKey(e.signature.nodeId);
    if (pk === undefined) {
      return broken(
        "unknown_signer",
        e.seq,
        "unknown_signer",
        `event ${e.seq} is signed by unknown node ${e.signature.nodeId}`,
      );
    }
    if (!auditEventSignatureValid(e, pk)) {
      return broken(
        "edited",
        e.seq,
        "signature_invalid",
        `event ${e.seq}: signature of ${e.signature.nodeId} is invalid`,
      );
    }
    const dupOf = seen.get(idHex);
    if (dupOf !== undefined) {
      return broken("duplicated", e.seq, "duplicate", `event ${e.seq} appears again at ${at}`);
    }
    if (e.seq !== expected) {
      if (e.seq > expected) {
        const later = decoded.slice(i + 1).some((x) => x.event?.seq === expected);
        return later
          ? broken(
            "reordered",
            expected,
            "out_of_order",
            `event ${e.seq} comes before event ${expected}`,
          )
          : broken(
            "removed",
            expected,
            "seq_gap",
            e.seq - expected === 1
              ? `event ${expected} is missing (next is ${e.seq})`
              : `events ${expected}..${e.seq - 1} are missing`,
          );
      }
      return broken(
        "reordered",
        e.seq,
        "out_of_order",
        `event ${e.seq} comes after event ${expected - 1}`,
      );
    }
    if (expected > 0 && (e.prev === undefined || !equalBytes(e.prev, prevId!))) {
      return broken(
        "forked",
        e.seq,
        "prev_mismatch",
        `event ${e.seq} does not link to the event before it`,
      );
    }
    if (d.rec.seq !== undefined && d.rec.seq !== e.seq) {
      return broken(
        "reordered",
        e.seq,
        "row_seq_mismatch",
        `event ${e.seq} is stored under seq ${d.rec.seq}`,
      );
    }
    seen.set(idHex, e.seq);
    prevId = d.id;
    expected++;
  }

  const lastSeq = expected - 1;
  if (opts.head === undefined) {
    if (opts.requireHead && lastSeq >= 0) {
      return broken("head_missing", lastSeq, "no_head", "events exist but no signed head");
    }
  } else {
    let head: AuditHead;
    try {
      head = opts.head instanceof Uint8Array ? decodeAuditHead(opts.head) : opts.head;
      if (head.zoneId !== zoneId) {
        return broken("head_invalid", head.headSeq, "zone_mismatch", `head is for ${head.zoneId}`);
      }
      verifyAuditHead(head, opts.resolveKey, opts.headThreshold ?? 1);
    } catch (e) {
      const why = e instanceof FcpError ? `${e.code} ${e.detail}` : "does not decode";
      return broken("head_invalid", lastSeq, "head_invalid", `audit head: ${why}`);
    }
    if (head.headSeq > lastSeq) {
      return broken(
        "truncated",
        lastSeq + 1,
        "behind_head",
        `the signed head names event ${head.headSeq} but the chain ends at ${lastSeq}`,
      );
    }
    const atHead = decoded[head.headSeq];
    if (atHead?.id === undefined || !equalBytes(atHead.id, head.headEvent)) {
      return broken(
        "head_mismatch",
        head.headSeq,
        "head_event_mismatch",
        `the signed head names a different event ${head.headSeq}`,
      );
    }
    if (opts.headMustBeLatest && head.headSeq < lastSeq) {
      return broken(
        "head_mismatch",
        head.headSeq + 1,
        "after_head",
        `events ${head.headSeq + 1}..${lastSeq} are not covered by the signed head`,
      );
    }
  }
  for (const ref of opts.referenced ?? []) {
    if (!seen.has(ref.eventId.toLowerCase())) {
      return broken(
        "truncated",
        lastSeq + 1,
        "referenced_event_missing",
        `event ${ref.eventId.slice(0, 16)}, recorded by ${ref.by}, is not in the chain: ` +
          "events were cut off (an older head put back) or the log was replaced",
      );
    }
  }
  return {
    ok: true,
    zoneId,
    events: expected,
    headSeq: lastSeq,
    ...(prevId === undefined ? {} : { headEvent: prevId }),
  };
}

/**
 * Throw `FCP-5003` (audit.chain_broken) with the finding when a result is not intact.
 *
 * @example
 * ```ts
 * import { assertAuditChainIntact } from "./audit_verify.ts";
 * import assert from "node:assert/strict";
 * assertAuditChainIntact({ ok: true, zoneId: "z:work", events: 0, headSeq: -1 });
 * assert.throws(() => assertAuditChainIntact({ ok: false, zoneId: "z:work", events: 1, headSeq: 0,
 *   finding: { kind: "removed", seq: 1, reason: "seq_gap", detail: "event 1 is missing" } }), /FCP-5003/);
 * ```
 */
export function assertAuditChainIntact(r: AuditChainResult): asserts r is AuditChainIntact {
  if (!r.ok) {
    throw new FcpError(
      "FCP-5003",
      `audit chain of ${r.zoneId} is broken: ${r.finding.kind} at seq ${r.finding.seq} (${r.finding.detail})`,
    );
  }
}
