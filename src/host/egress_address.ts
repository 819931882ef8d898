/**
 * IP address parsing, classification and CIDR matching for the egress guard (spec §7.3
 * NetworkConstraints evaluation steps 1 and 6, §11.2.1 step 5).
 *
 * Only canonical-enough text is accepted: IPv4 as four decimal octets without leading zeros
 * (no `0x7f.1`, `2130706433` or `010.0.0.1` shorthands — `new URL` already rewrites those in
 * URLs, so anything else reaching here is a resolver or config bug), IPv6 in RFC 4291 text
 * form with optional embedded IPv4, optional brackets and an optional `%zone` suffix.
 *
 * IPv6 forms that carry an IPv4 destination are judged by that IPv4 where it matters:
 * IPv4-mapped `::ffff:0:0/96` and NAT64 `64:ff9b::/96` take the class of the embedded
 * address; IPv4-compatible `::/96`, SIIT `::ffff:0:0:0/96` and 6to4 `2002::/16` take it when
 * it is not public (a compatible or SIIT form of a public address is `reserved`, a 6to4 one
 * `public`). Teredo `2001::/32` is `reserved`.
 *
 * @module
 */
import { FcpError } from "../core/mod.ts";

/**
 * The class of an IP address (closed set).
 *
 * - `public`: globally routable unicast.
 * - `unspecified`: `0.0.0.0/8` ("this network"), `::`.
 * - `loopback`: `127.0.0.0/8`, `::1`.
 * - `private`: RFC 1918 `10/8`, `172.16/12`, `192.168/16`; NAT64 local-use `64:ff9b:1::/48`.
 * - `unique_local`: IPv6 ULA `fc00::/7` (except the ranges below).
 * - `link_local`: `169.254.0.0/16`, `fe80::/10` (except metadata).
 * - `cgnat`: CGNAT / Tailscale `100.64.0.0/10` and the Tailscale ULA `fd7a:115c:a1e0::/48`.
 * - `metadata`: cloud instance-metadata endpoints `169.254.169.254`, `169.254.170.2` (ECS),
 *   `100.100.100.200` (Alibaba), `fd00:ec2::254` (AWS IPv6).
 * - `multicast`: `224.0.0.0/4`, `ff00::/8`.
 * - `broadcast`: `255.255.255.255`.
 * - `documentation`: `192.0.2/24`, `198.51.100/24`, `203.0.113/24`, `2001:db8::/32`,
 *   `3fff::/20`.
 * - `reserved`: everything else that is not global unicast: `240/4`, `192.0.0/24`,
 *   `198.18/15` (benchmarking), `192.88.99/24`, `100::/64`, `2001::/23` (incl. Teredo),
 *   `5f00::/16`, `fec0::/10`, unassigned IPv6 outside `2000::/3`, and the transition forms
 *   described in the module doc.
 */
export type AddressClass =
  | "public"
  | "unspecified"
  | "loopback"
  | "private"
  | "unique_local"
  | "link_local"
  | "cgnat"
  | "metadata"
  | "multicast"
  | "broadcast"
  | "documentation"
  | "reserved";

/** Every {@link AddressClass}. */
export const ADDRESS_CLASSES: readonly AddressClass[] = [
  "public",
  "unspecified",
  "loopback",
  "private",
  "unique_local",
  "link_local",
  "cgnat",
  "metadata",
  "multicast",
  "broadcast",
  "documentation",
  "reserved",
];

/** A parsed IP address: 4 or 16 bytes in network order. */
export interface IpAddress {
  /** 4 for IPv4, 6 for IPv6. */
  readonly family: 4 | 6;
  /** The address bytes (4 or 16). */
  readonly bytes: Uint8Array;
}

/** A parsed CIDR block; host bits of `bytes` are zero. */
export interface Cidr {
  /** 4 or 6. */
  readonly family: 4 | 6;
  /** The network address (host bits cleared). */
  readonly bytes: Uint8Array;
  /** The prefix length (0..32 or 0..128). */
  readonly prefix: number;
}

const V4_OCTET = /^(?:0|[1-9]\d{0,2})$/;

function parseV4(text: string): Uint8Array | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!V4_OCTET.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

function parseV6(text: string): Uint8Array | undefined {
  if (text.length === 0 || text.length > 45 || !/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  let head = text;
  let v4: Uint8Array | undefined;
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".")) {
    v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    head = text.slice(0, lastColon + 1) + "0:0";
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const group = (g: string) => (/^[0-9a-fA-F]{1,4}$/.test(g) ? parseInt(g, 16) : -1);
  const left = halves[0] === "" ? [] : halves[0]!.split(":").map(group);
  const right = halves.length === 2
    ? (halves[1] === "" ? [] : halves[1]!.split(":").map(group))
    : [];
  if (left.includes(-1) || right.includes(-1)) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const fill = 8 - left.length - right.length;
    if (fill < 1) return undefined;
    groups = [...left, ...new Array<number>(fill).fill(0), ...right];
  } else {
    groups = left;
  }
  if (groups.length !== 8) return undefined;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  if (v4 !== undefined) out.set(v4, 12);
  return out;
}

/**
 * Parse an IPv4 or IPv6 address in text form (brackets and an IPv6 `%zone` are accepted and
 * dropped), or `undefined` when the text is not an address.
 *
 * @example
 * ```ts
 * import { parseIpAddress } from "./egress_address.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseIpAddress("10.0.0.1")?.bytes, new Uint8Array([10, 0, 0, 1]));
 * assert.equal(parseIpAddress("[::1]")?.family, 6);
 * assert.equal(parseIpAddress("api.example.com"), undefined);
 * assert.equal(parseIpAddress("010.0.0.1"), undefined);
 * ```
 */
export function parseIpAddress(text: string): IpAddress | undefined {
  let t = text;
  if (t.startsWith("[") && t.endsWith("]")) t = t.slice(1, -1);
  const v4 = parseV4(t);
  if (v4 !== undefined) return { family: 4, bytes: v4 };
  const zone = t.indexOf("%");
  if (zone >= 0) {
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(t.slice(zone + 1))) return undefined;
    t = t.slice(0, zone);
  }
  const v6 = parseV6(t);
  return v6 === undefined ? undefined : { family: 6, bytes: v6 };
}

function mustParse(ip: string): IpAddress {
  const a = parseIpAddress(ip);
  if (a === undefined) {
    throw new FcpError("FCP-1040", `"${ip.slice(0, 64)}" is not an IP address`);
  }
  return a;
}

/**
 * Text form of an address: dotted quad, or RFC 5952 IPv6 (lowercase, longest zero run
 * compressed; IPv4-mapped as `::ffff:a.b.c.d`).
 *
 * @example
 * ```ts
 * import { formatIpAddress, parseIpAddress } from "./egress_address.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatIpAddress(parseIpAddress("0:0:0:0:0:0:0:1")!), "::1");
 * assert.equal(formatIpAddress(parseIpAddress("::ffff:7f00:1")!), "::ffff:127.0.0.1");
 * assert.equal(formatIpAddress(parseIpAddress("2001:DB8:0:0:1:0:0:1")!), "2001:db8::1:0:0:1");
 * ```
 */
export function formatIpAddress(a: IpAddress): string {
  const b = a.bytes;
  if (a.family === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  if (isMapped(b)) return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[2 * i]! << 8) | b[2 * i + 1]!);
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(":");
  if (bestAt < 0) return hex(g);
  return `${hex(g.slice(0, bestAt))}::${hex(g.slice(bestAt + bestLen))}`;
}

/**
 * Whether text is an IP literal (IPv4, IPv6, bracketed IPv6).
 *
 * @example
 * ```ts
 * import { isIpAddress } from "./egress_address.ts";
 * import assert from "node:assert/strict";
 * assert.ok(isIpAddress("[::ffff:127.0.0.1]"));
 * assert.ok(!isIpAddress("example.com"));
 * ```
 */
export function isIpAddress(text: string): boolean {
  return parseIpAddress(text) !== undefined;
}

function prefixMatch(a: Uint8Array, net: Uint8Array, bits: number): boolean {
  const full = bits >> 3;
  for (let i = 0; i < full; i++) if (a[i] !== net[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((a[full]! ^ net[full]!) & mask) === 0;
}

function isMapped(b: Uint8Array): boolean {
  return b.length === 16 && prefixMatch(b, V6_MAPPED, 96);
}

function v6(text: string): Uint8Array {
  return parseV6(text)!;
}

const V6_MAPPED = v6("::ffff:0:0");
const V6_SIIT = v6("::ffff:0:0:0");
const V6_NAT64 = v6("64:ff9b::");
const V6_NAT64_LOCAL = v6("64:ff9b:1::");
const V6_6TO4 = v6("2002::");
const V6_DOC = v6("2001:db8::");
const V6_DOC2 = v6("3fff::");
const V6_DISCARD = v6("100::");
const V6_IETF = v6("2001::");
const V6_SRV6 = v6("5f00::");
const V6_METADATA = v6("fd00:ec2::254");
const V6_TAILNET = v6("fd7a:115c:a1e0::");
const V6_ULA = v6("fc00::");
const V6_LINK_LOCAL = v6("fe80::");
const V6_SITE_LOCAL = v6("fec0::");
const V6_MULTICAST = v6("ff00::");
const V6_GLOBAL = v6("2000::");
const V6_ZERO = new Uint8Array(16);

type V4Rule = readonly [a: number, b: number, c: number, d: number, bits: number, AddressClass];
const V4_RULES: readonly V4Rule[] = [
  [0, 0, 0, 0, 8, "unspecified"],
  [127, 0, 0, 0, 8, "loopback"],
  [10, 0, 0, 0, 8, "private"],
  [172, 16, 0, 0, 12, "private"],
  [192, 168, 0, 0, 16, "private"],
  [169, 254, 169, 254, 32, "metadata"],
  [169, 254, 170, 2, 32, "metadata"],
  [100, 100, 100, 200, 32, "metadata"],
  [169, 254, 0, 0, 16, "link_local"],
  [100, 64, 0, 0, 10, "cgnat"],
  [192, 0, 2, 0, 24, "documentation"],
  [198, 51, 100, 0, 24, "documentation"],
  [203, 0, 113, 0, 24, "documentation"],
  [192, 0, 0, 0, 24, "reserved"],
  [198, 18, 0, 0, 15, "reserved"],
  [192, 88, 99, 0, 24, "reserved"],
  [224, 0, 0, 0, 4, "multicast"],
  [255, 255, 255, 255, 32, "broadcast"],
  [240, 0, 0, 0, 4, "reserved"],
];

function classifyV4(b: Uint8Array): AddressClass {
  for (const [a, bb, c, d, bits, cls] of V4_RULES) {
    if (prefixMatch(b, new Uint8Array([a, bb, c, d]), bits)) return cls;
  }
  return "public";
}

/** The IPv4 destination an IPv6 address stands for (mapped, SIIT, compatible, NAT64); not `::`, `::1`. */
function embeddedV4(b: Uint8Array): Uint8Array | undefined {
  if (
    prefixMatch(b, V6_MAPPED, 96) || prefixMatch(b, V6_SIIT, 96) ||
    prefixMatch(b, V6_NAT64, 96) || (prefixMatch(b, V6_ZERO, 96) && !prefixMatch(b, V6_ZERO, 127))
  ) {
    return b.subarray(12, 16);
  }
  return undefined;
}

function classifyV6(b: Uint8Array): AddressClass {
  if (prefixMatch(b, V6_ZERO, 128)) return "unspecified";
  if (prefixMatch(b, V6_ZERO, 127) && b[15] === 1) return "loopback";
  if (prefixMatch(b, V6_MAPPED, 96) || prefixMatch(b, V6_NAT64, 96)) {
    return classifyV4(b.subarray(12, 16));
  }
  if (prefixMatch(b, V6_SIIT, 96) || prefixMatch(b, V6_ZERO, 96)) {
    const c = classifyV4(b.subarray(12, 16));
    return c === "public" ? "reserved" : c;
  }
  if (prefixMatch(b, V6_NAT64_LOCAL, 48)) return "private";
  if (prefixMatch(b, V6_6TO4, 16)) return classifyV4(b.subarray(2, 6));
  if (prefixMatch(b, V6_DOC, 32) || prefixMatch(b, V6_DOC2, 20)) return "documentation";
  if (
    prefixMatch(b, V6_DISCARD, 64) || prefixMatch(b, V6_IETF, 23) || prefixMatch(b, V6_SRV6, 16)
  ) {
    return "reserved";
  }
  if (prefixMatch(b, V6_METADATA, 128)) return "metadata";
  if (prefixMatch(b, V6_TAILNET, 48)) return "cgnat";
  if (prefixMatch(b, V6_ULA, 7)) return "unique_local";
  if (prefixMatch(b, V6_LINK_LOCAL, 10)) return "link_local";
  if (prefixMatch(b, V6_SITE_LOCAL, 10)) return "reserved";
  if (prefixMatch(b, V6_MULTICAST, 8)) return "multicast";
  if (prefixMatch(b, V6_GLOBAL, 3)) return "public";
  return "reserved";
}

/**
 * Classify an IP address (text form) into an {@link AddressClass}. Throws `FCP-1040` when
 * the text is not an address.
 *
 * @example
 * ```ts
 * import { classifyAddress } from "./egress_address.ts";
 * import assert from "node:assert/strict";
 * assert.equal(classifyAddress("8.8.8.8"), "public");
 * assert.equal(classifyAddress("::ffff:127.0.0.1"), "loopback");
 * assert.equal(classifyAddress("169.254.169.254"), "metadata");
 * assert.equal(classifyAddress("fd7a:115c:a1e0::1"), "cgnat");
 * assert.throws(() => classifyAddress("example.com"), /FCP-1040/);
 * ```
 */
export function classifyAddress(ip: string): AddressClass {
  const a = mustParse(ip);
  return a.family === 4 ? classifyV4(a.bytes) : classifyV6(a.bytes);
}

/**
 * The address to actually connect to: IPv4-mapped IPv6 becomes its IPv4 (same destination),
 * everything else is returned in canonical text form. Throws `FCP-1040` on a non-address.
 *
 * @example
 * ```ts
 * import { connectAddress } from "./egress_address.ts";
 * import assert from "node:assert/strict";
 * assert.equal(connectAddress("::ffff:7f00:1"), "127.0.0.1");
 * assert.equal(connectAddress("[0::1]"), "::1");
 * ```
 */
export function connectAddress(ip: string): string {
  const a = mustParse(ip);
  if (a.family === 6 && isMapped(a.bytes)) {
    return formatIpAddress({ family: 4, bytes: a.bytes.slice(12, 16) });
  }
  return formatIpAddress(a);
}

/**
 * Parse a CIDR block `addr/prefix` (IPv4 or IPv6). Host bits are cleared, so `10.1.2.3/8`
 * is `10.0.0.0/8`. Throws `FCP-1040` on anything else.
 *
 * @example
 * ```ts
 * import { parseCidr } from "./egress_address.ts";
 * import assert from "node:assert/strict";
 * const c = parseCidr("10.1.2.3/8");
 * assert.deepEqual([c.family, c.prefix, [...c.bytes]], [4, 8, [10, 0, 0, 0]]);
 * assert.throws(() => parseCidr("10.0.0.0/33"), /FCP-1040/);
 * ```
 */
export function parseCidr(text: string): Cidr {
  const slash = text.indexOf("/");
  const bad = () => new FcpError("FCP-1040", `"${text.slice(0, 64)}" is not a CIDR block`);
  if (slash < 0) throw bad();
  const addrText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (!/^(?:0|[1-9]\d{0,2})$/.test(prefixText) || addrText.includes("%")) throw bad();
  const a = parseIpAddress(addrText);
  const prefix = Number(prefixText);
  if (a === undefined || prefix > (a.family === 4 ? 32 : 128)) throw bad();
  const bytes = a.bytes.slice();
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, prefix - 8 * i));
    bytes[i]! &= (0xff << (8 - keep)) & 0xff;
  }
  return { family: a.family, bytes, prefix };
}

/**
 * Whether `ip` lies inside `c`. An IPv6 address that stands for an IPv4 destination
 * (IPv4-mapped, SIIT, IPv4-compatible, NAT64 `64:ff9b::/96`) is also matched by IPv4 blocks
 * through its embedded IPv4, and an IPv4 address by IPv6 blocks through its mapped form
 * `::ffff:a.b.c.d`. Throws `FCP-1040` when `ip` is not an address.
 *
 * @example
 * ```ts
 * import { cidrContains, parseCidr } from "./egress_address.ts";
 * import assert from "node:assert/strict";
 * assert.ok(cidrContains(parseCidr("127.0.0.0/8"), "127.0.0.1"));
 * assert.ok(cidrContains(parseCidr("127.0.0.0/8"), "::ffff:127.0.0.1"));
 * assert.ok(!cidrContains(parseCidr("10.0.0.0/8"), "11.0.0.1"));
 * ```
 */
export function cidrContains(c: Cidr, ip: string): boolean {
  const a = mustParse(ip);
  if (a.family === c.family) return prefixMatch(a.bytes, c.bytes, c.prefix);
  if (c.family === 4) {
    const e = embeddedV4(a.bytes);
    return e !== undefined && prefixMatch(e, c.bytes, c.prefix);
  }
  const mapped = V6_MAPPED.slice();
  mapped.set(a.bytes, 12);
  return prefixMatch(mapped, c.bytes, c.prefix);
}
