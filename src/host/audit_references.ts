/**
 * What a home's other records say was appended to its audit chains (spec §23.4): the request
 * log in host.db names the audit event of every decision. `fcp audit verify` and `fcp doctor`
 * check that each is still in its chain, so a tail cut off together with a genuine older head,
 * or an audit database replaced or removed whole, is found (the chain alone cannot show it).
 *
 * @module
 */
import { FcpError } from "../core/mod.ts";
import type { AuditReference } from "./audit_verify.ts";
import { hostDbPath, openHostDb } from "./host_db.ts";
import { RequestLog } from "./request_log.ts";

/**
 * The audit events named by `home`'s request records, by zone; empty when the home has no
 * host database yet (nothing is created).
 *
 * @example
 * ```ts
 * import { readAuditReferences } from "./audit_references.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * assert.equal(readAuditReferences(home).size, 0);
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export function readAuditReferences(home: string): Map<string, AuditReference[]> {
  try {
    Deno.statSync(hostDbPath(home));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return new Map();
    throw new FcpError("FCP-9002", `cannot read ${hostDbPath(home)}`, { cause: e });
  }
  const db = openHostDb(home);
  try {
    return new RequestLog(db).auditReferences();
  } finally {
    db.close();
  }
}
