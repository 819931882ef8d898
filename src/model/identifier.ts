/**
 * Canonical identifier validation (spec §3.4.2): principal, connector, capability,
 * operation, role, secret, credential and instance ids.
 *
 * @module
 */
import { FcpError } from "../core/mod.ts";

const CANONICAL_ID = /^[a-z0-9][a-z0-9._:-]*$/;

/**
 * Validate a canonical identifier: ASCII, lowercase, ≤128 bytes,
 * `^[a-z0-9][a-z0-9._:-]*$`. Non-canonical forms are rejected, never normalized
 * (spec §3.4.2). Throws `FCP-4007`.
 *
 * @example
 * ```ts
 * import { validateCanonicalId } from "./identifier.ts";
 * import assert from "node:assert/strict";
 * assert.equal(validateCanonicalId("fcp.github:issues.read", "capability id"), "fcp.github:issues.read");
 * assert.throws(() => validateCanonicalId("Paypal.*", "capability id"), /FCP-4007/);
 * ```
 */
export function validateCanonicalId(id: string, what = "identifier"): string {
  if (typeof id !== "string" || id.length === 0 || id.length > 128 || !CANONICAL_ID.test(id)) {
    throw new FcpError(
      "FCP-4007",
      `${what} must be lowercase ASCII [a-z0-9][a-z0-9._:-]*, at most 128 bytes`,
    );
  }
  return id;
}
