/**
 * `fcp token mint | verify | inspect`: capability tokens (WIRE.md §6) from the command line.
 *
 * Token files: `mint` writes the token as one line of lowercase hex (to `--out FILE`, created
 * mode 0600, or stdout); `verify` and `inspect` read FILE or stdin (`-`) as that hex, or as the
 * raw CBOR bytes (recognized by the leading 0x84 of the COSE_Sign1 array).
 *
 * `mint` backs every token with an owner-signed CapabilityObject stored in
 * `FCP_HOME/capabilities/<object id hex>.cap` (SchemaHash ‖ canonical CBOR) and named in the
 * token's `grant_object_ids`; `verify` resolves and checks it (beyond the reference).
 *
 * @module
 */
import {
  CLAIM,
  claimsToJson,
  decodeToken,
  type Identity,
  loadIdentity,
  ownerIssuerPolicy,
  renewAttestation,
  revocationTargetId,
  signHolderProof,
  trustedIssuers,
  verifyToken,
  ZONE_KEYS_FILE,
  ZoneKeyring,
} from "../../authority/mod.ts";
import { equalBytes, FcpError, fromHex, fromUtf8, toHex } from "../../core/mod.ts";
import { randomBytes } from "../../crypto/mod.ts";
import {
  loadCapabilities,
  MAX_TOKEN_TTL_SECS,
  mintCapabilityToken,
  RevocationView,
} from "../../host/mod.ts";
import { parseZoneId, validateCanonicalId, type ZoneId } from "../../model/mod.ts";
import type { CliCommand, CommandContext } from "../types.ts";
import { UsageError } from "../usage_error.ts";

function nowSecs(): number {
  return Math.floor(Date.now() / 1000);
}

function required(ctx: CommandContext, name: string): string {
  const v = ctx.string(name);
  if (v === undefined || v === "") throw new UsageError(`--${name} is required`);
  return v;
}

function canonical(value: string, what: string): string {
  try {
    return validateCanonicalId(value, what);
  } catch (cause) {
    throw new UsageError(`${what} must be lowercase [a-z0-9][a-z0-9._:-]*`, { cause });
  }
}

function zoneOption(ctx: CommandContext): ZoneId {
  const z = required(ctx, "zone");
  try {
    return parseZoneId(z);
  } catch (cause) {
    throw new UsageError(`--zone ${z} is not a zone id`, { cause });
  }
}

/** Token bytes from hex text or raw CBOR (leading 0x84). */
export function parseTokenInput(bytes: Uint8Array): Uint8Array {
  if (bytes[0] === 0x84) return bytes;
  const text = fromUtf8(bytes).replace(/\s+/g, "");
  if (text === "") throw new UsageError("no token given");
  try {
    return fromHex(text, undefined, "token");
  } catch (cause) {
    throw new UsageError("token must be hex or raw COSE_Sign1 bytes", { cause });
  }
}

async function readToken(ctx: CommandContext): Promise<Uint8Array> {
  const arg = ctx.positionals[0];
  if (arg === undefined || arg === "-") {
    if (!ctx.io.readStdin) throw new UsageError("no token file and no standard input");
    return parseTokenInput(await ctx.io.readStdin());
  }
  try {
    return parseTokenInput(await Deno.readFile(arg));
  } catch (cause) {
    if (cause instanceof FcpError) throw cause;
    throw new UsageError(`cannot read token file ${arg}`, { cause });
  }
}

async function loadRing(id: Identity): Promise<ZoneKeyring> {
  if (!(await id.keystore.hasPublic(ZONE_KEYS_FILE))) {
    throw new FcpError("FCP-2012", `no zone keys in ${id.home}; run 'fcp init' first`);
  }
  return await ZoneKeyring.load(id.keystore);
}

/** `fcp token mint`. */
export const tokenMint: CliCommand = {
  path: ["token", "mint"],
  summary: "Mint a capability token signed by this node's issuance key",
  usage:
    "fcp token mint --zone Z --cap C --op O [--op O2] --ttl SECONDS [--holder NODE] [--principal P] [--resource-allow P] [--credential-allow ID] [--max-calls N] [--max-bytes N] [--out FILE] [--json]",
  description: [
    "Creates an owner-signed CapabilityObject granting C (operations O...) in zone Z, stores it",
    "in FCP_HOME/capabilities, and mints a COSE_Sign1 token (WIRE.md §6) signed by this node's",
    "attested issuance key: aud = zone, nbf = iat = now, exp = now + ttl, a random 16-byte jti,",
    "grants and grant_object_ids. --holder binds it to one node (holder proof, WIRE.md §5b).",
    "--max-calls and --max-bytes limit what the token may do over its lifetime; the node counts",
    "calls and bytes (request + response JSON) per token and refuses the rest (FCP-3003).",
    "Writes the token as hex to --out (mode 0600) or stdout.",
  ].join("\n"),
  options: {
    zone: { type: "string", valueName: "Z", description: "zone id, e.g. z:work" },
    cap: { type: "string", valueName: "C", description: "capability id" },
    op: {
      type: "string",
      multiple: true,
      valueName: "O",
      description: "operation id",
    },
    ttl: {
      type: "string",
      valueName: "SECONDS",
      description: `lifetime, 1..${MAX_TOKEN_TTL_SECS}`,
    },
    holder: { type: "string", valueName: "NODE", description: "bind the token to this node id" },
    principal: {
      type: "string",
      valueName: "P",
      description: "the principal it speaks for (policy subject), e.g. agent:alice",
    },
    "credential-allow": {
      type: "string",
      multiple: true,
      valueName: "ID",
      description: "credential the connector may use through the egress guard",
    },
    "resource-allow": {
      type: "string",
      multiple: true,
      valueName: "P",
      description: "resource glob the token is limited to",
    },
    "max-calls": { type: "string", valueName: "N", description: "most calls (max_calls)" },
    "max-bytes": {
      type: "string",
      valueName: "N",
      description: "most bytes moved, request + response (max_bytes)",
    },
    out: { type: "string", valueName: "FILE", description: "write the token here (mode 0600)" },
  },
  async run(ctx) {
    const zone = zoneOption(ctx);
    const limit = (name: "max-calls" | "max-bytes"): number | undefined => {
      const t = ctx.string(name);
      if (t === undefined) return undefined;
      const n = Number(t);
      if (!/^[1-9][0-9]{0,15}$/.test(t) || !Number.isSafeInteger(n)) {
        throw new UsageError(`--${name} must be a positive integer`);
      }
      return n;
    };
    const maxCalls = limit("max-calls");
    const maxBytes = limit("max-bytes");
    const cap = canonical(required(ctx, "cap"), "--cap");
    const ops = ctx.strings("op").map((o) => canonical(o, "--op"));
    if (ops.length === 0) throw new UsageError("--op is required");
    const ttlText = required(ctx, "ttl");
    const ttl = Number(ttlText);
    if (!/^[0-9]+$/.test(ttlText) || ttl < 1 || ttl > MAX_TOKEN_TTL_SECS) {
      throw new UsageError(`--ttl must be an integer number of seconds, 1..${MAX_TOKEN_TTL_SECS}`);
    }
    const holderText = ctx.string("holder");
    const holder = holderText === undefined ? undefined : canonical(holderText, "--holder");
    const principalText = ctx.string("principal");
    const principal = principalText === undefined
      ? undefined
      : canonical(principalText, "--principal");
    const allow = ctx.strings("resource-allow");
    const credentials = ctx.strings("credential-allow").map((c) =>
      canonical(c, "--credential-allow")
    );
    const now = nowSecs();
    const id = await renewAttestation(await loadIdentity(ctx.home), now);
    const ring = await loadRing(id);
    const minted = await mintCapabilityToken(id, ring, {
      zone,
      capability: cap,
      operations: ops,
      ttlSecs: ttl,
      ...(holder === undefined ? {} : { holder }),
      ...(principal === undefined ? {} : { principal }),
      ...(allow.length === 0 ? {} : { resourceAllow: allow }),
      ...(credentials.length === 0 ? {} : { credentialAllow: credentials }),
      ...(maxCalls === undefined ? {} : { maxCalls }),
      ...(maxBytes === undefined ? {} : { maxBytes }),
    }, now);
    const token = minted.token;
    const objectId = minted.grantObjectId;
    const hex = toHex(token);
    const out = ctx.string("out");
    if (out !== undefined) {
      // An existing file is made private before the token is written into it, not after.
      await Deno.chmod(out, 0o600).catch(() => {});
      await Deno.writeTextFile(out, hex + "\n", { mode: 0o600 });
      await Deno.chmod(out, 0o600).catch(() => {});
    }
    const jti = decodeToken(token).claims.cti!;
    if (ctx.json) {
      ctx.printJson({
        ...(out === undefined ? { token_hex: hex } : { file: out }),
        jti: toHex(jti),
        kid: toHex(id.issuance.kid),
        zone_id: zone,
        exp: now + ttl,
        grant_object_ids: [toHex(objectId)],
      });
      return;
    }
    if (out === undefined) ctx.out(hex);
    else ctx.err(`wrote token ${toHex(jti)} to ${out} (expires ${now + ttl})`);
  },
};

/** `fcp token verify`. */
export const tokenVerify: CliCommand = {
  path: ["token", "verify"],
  summary: "Verify a capability token for a zone, capability and operation",
  usage: "fcp token verify FILE|- --zone Z --cap C --op O [--resource R] [--json]",
  description: [
    "Runs every check of WIRE.md §6 (structure, trusted issuer kid = owner or this node's",
    "attested issuance key, strict Ed25519, canonical payload, aud, exp/nbf with 300 s skew,",
    "zone, holder binding with a proof signed here by this node, grants) plus the grant objects:",
    "each must be an owner-signed CapabilityObject in FCP_HOME/capabilities covering the grants,",
    "and neither it, the token's jti, the issuer kid nor the issuing node may be revoked (fcp",
    "revoke; the zone's and z:owner's log).",
    "Exit 0 if valid; a refusal exits with its code's category (11 auth, 12 capability, 13 zone).",
  ].join("\n"),
  args: [{ name: "FILE|-", description: "token file (hex or raw), '-' for stdin", optional: true }],
  options: {
    zone: { type: "string", valueName: "Z", description: "the verifier's zone" },
    cap: { type: "string", valueName: "C", description: "required capability" },
    op: { type: "string", valueName: "O", description: "required operation" },
    resource: { type: "string", valueName: "R", description: "resource the call touches" },
  },
  async run(ctx) {
    const token = await readToken(ctx);
    const zone = zoneOption(ctx);
    const capability = required(ctx, "cap");
    const operation = required(ctx, "op");
    const now = nowSecs();
    const id = await renewAttestation(await loadIdentity(ctx.home), now);
    const ring = await loadRing(id);
    const issuers = trustedIssuers(id, now);
    // Unverified peek, only to preload the named grant objects and to sign our holder proof.
    const peek = decodeToken(token).claims;
    const objects = await loadCapabilities(ctx.home, peek.grantObjectIds ?? []);
    const revocation = await new RevocationView(ctx.home, ring, id.owner.publicKey).state(
      zone,
      now,
    );
    const requestId = toHex(randomBytes(16));
    const holderProof = peek.cti === undefined ? undefined : {
      requestId,
      operationId: operation,
      signature: signHolderProof(id.signing, {
        requestId,
        operationId: operation,
        tokenJti: peek.cti,
      }),
      holderPublicKey: id.signing.publicKey,
    };
    const resource = ctx.string("resource");
    const v = verifyToken(token, {
      now,
      zoneId: zone,
      resolveIssuerKey: (kid) => issuers.get(toHex(kid)),
      required: { capability, operation },
      holderNodeId: id.nodeId,
      ...(holderProof === undefined ? {} : { holderProof }),
      ...(resource === undefined ? {} : { resource }),
      grantResolver: (oid) => objects.get(toHex(oid)),
      objectIdKey: ring.objectIdKey(zone).key,
      // Only the owner issues CapabilityObjects here (the policy fcp init sets up).
      issuerPolicy: ownerIssuerPolicy(id.owner.kid),
      requireGrantObjects: true,
      // Object ids and kids as the view knows them; a token's 16-byte jti under its target id.
      isRevoked: (x) =>
        revocation.isRevoked(x) ||
        (x.length === 16 && revocation.isRevoked(revocationTargetId("jti", x))),
    });
    // A revoked node (NodeAttestation) no longer vouches for the tokens it issued (spec §14.3).
    if (revocation.isRevokedName("node", v.claims.issNode ?? id.nodeId)) {
      throw new FcpError("FCP-3004", "the token's issuing node is revoked");
    }
    const issuer = equalBytes(v.kid, id.owner.kid) ? "owner" : `node ${id.nodeId} issuance key`;
    if (ctx.json) {
      ctx.printJson({
        valid: true,
        kid: toHex(v.kid),
        issuer,
        jti: v.jti === undefined ? null : toHex(v.jti),
        zone_id: zone,
        grant: v.grant,
        exp: v.claims.exp,
        holder_node: v.claims.holderNode ?? null,
        grant_object_ids: (v.claims.grantObjectIds ?? []).map(toHex),
      });
      return;
    }
    ctx.out(
      `valid: ${v.grant.capability} ${v.grant.operation ?? "(all operations)"} in ${zone}, ` +
        `issued by ${issuer} (kid ${toHex(v.kid)}), expires ${v.claims.exp}`,
    );
  },
};

function describeValue(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** `fcp token inspect`. */
export const tokenInspect: CliCommand = {
  path: ["token", "inspect"],
  summary: "Decode a capability token's claims (without verifying it)",
  usage: "fcp token inspect FILE|- [--json]",
  description: [
    "Parses the COSE_Sign1 structure and the canonical claims payload (WIRE.md §6) and shows",
    "the issuer kid and every claim by name. Does NOT verify the signature or any claim: use",
    "'fcp token verify' to authorize.",
  ].join("\n"),
  args: [{ name: "FILE|-", description: "token file (hex or raw), '-' for stdin", optional: true }],
  async run(ctx) {
    const d = decodeToken(await readToken(ctx));
    const claims = claimsToJson(d.claims);
    const known = new Set<number>(Object.values(CLAIM));
    const unknown = [...d.claimMap.keys()].filter((l) => !known.has(l));
    if (ctx.json) {
      ctx.printJson({ verified: false, kid: toHex(d.kid), claims, unknown_labels: unknown });
      return;
    }
    ctx.out(`kid              ${toHex(d.kid)}  (not verified)`);
    for (const [name, value] of Object.entries(claims)) {
      ctx.out(`${name.padEnd(17)}${describeValue(value)}`);
    }
    if (unknown.length > 0) ctx.out(`unknown labels   ${unknown.join(", ")}`);
  },
};
