/**
 * The egress guard (spec §11.2.1, §7.3, §7.3.1) against loopback servers: every refusal with
 * its code and audit event, the allowed path, address pinning, credential injection, TLS with
 * an extra CA root, truncation, redirects, timeouts and the audit sink. Names resolve through
 * an injected resolver; loopback is reached only through `allowCidrs` (as an operator's
 * `egress.allow_cidrs` would) or with the flag that controls it turned off.
 */
import assert from "node:assert/strict";
import { type ErrorCode, FcpError, isFcpError } from "../core/mod.ts";
import { CredentialStore } from "./credential_store.ts";
import {
  type EgressContext,
  type EgressEvent,
  EgressGuard,
  type EgressGuardOptions,
  type EgressHttpRequest,
} from "./egress_guard.ts";
import { type OperationNetworkConstraints, strictNetworkConstraints } from "./manifest_types.ts";

const SECRET = "sk_live_EgressTestSecret42";
const CRED = "cred:svc";

// ---------------------------------------------------------------------------------------------
// Fixtures

/** Strict defaults (all deny flags on), generous limits. */
function net(over: Partial<OperationNetworkConstraints> = {}): OperationNetworkConstraints {
  return strictNetworkConstraints({
    connectTimeoutMs: 2_000,
    totalTimeoutMs: 10_000,
    maxResponseBytes: 1 << 20,
    ...over,
  });
}

function ctx(
  constraints: OperationNetworkConstraints,
  extra: Partial<Pick<EgressContext, "tokenCredentialAllow" | "signal">> = {},
): EgressContext {
  return {
    connectorId: "fcp.demo",
    zone: "z:work",
    operation: "demo.get",
    requestId: "req-1",
    constraints,
    ...extra,
  };
}

function get(url: string, headers: [string, string][] = [], credential?: string) {
  const req: EgressHttpRequest = {
    method: "GET",
    url,
    headers,
    ...(credential === undefined ? {} : { credential }),
  };
  return req;
}

type Answers = Record<string, string[]> | ((name: string, call: number) => string[]);

interface Harness extends AsyncDisposable {
  readonly guard: EgressGuard;
  /** Every event the guard emitted, in order. */
  readonly events: EgressEvent[];
  /** Every name the resolver was asked for, in order. */
  readonly lookups: string[];
}

/** A guard with a recording resolver and a recording audit sink. */
function harness(
  answers: Answers = {},
  opts: Omit<EgressGuardOptions, "resolver"> = {},
): Harness {
  const events: EgressEvent[] = [];
  const lookups: string[] = [];
  const sink = opts.onEvent;
  const guard = new EgressGuard({
    ...opts,
    resolver: (name) => {
      lookups.push(name);
      const got = typeof answers === "function" ? answers(name, lookups.length) : answers[name];
      return got === undefined
        ? Promise.reject(new Error(`NXDOMAIN ${name}`))
        : Promise.resolve(got);
    },
    onEvent: async (e) => {
      events.push(e);
      await sink?.(e);
    },
  });
  return { guard, events, lookups, [Symbol.asyncDispose]: () => guard.close() };
}

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

interface Served extends AsyncDisposable {
  readonly port: number;
  /** The requests the server received. */
  readonly seen: Seen[];
}

/** A Deno.serve on 127.0.0.1 (or `hostname`) that records each request. */
function serve(
  handler: (req: Request) => Response | Promise<Response> = () => new Response("ok"),
  opts: { cert?: string; key?: string; hostname?: string; port?: number } = {},
): Served {
  const seen: Seen[] = [];
  const { cert, key, hostname = "127.0.0.1", port = 0 } = opts;
  const server = Deno.serve(
    { hostname, port, onListen() {}, ...(cert && key ? { cert, key } : {}) },
    async (req) => {
      seen.push({
        method: req.method,
        path: new URL(req.url).pathname,
        headers: Object.fromEntries(req.headers),
        body: await req.text(),
      });
      return await handler(req);
    },
  );
  return { port: server.addr.port, seen, [Symbol.asyncDispose]: () => server.shutdown() };
}

/** A TCP listener that accepts connections and never answers. */
function silentServer(): AsyncDisposable & { readonly port: number; readonly accepted: number } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  const loop = (async () => {
    try {
      for await (const c of listener) conns.push(c);
    } catch { /* closed */ }
  })();
  return {
    port: listener.addr.port,
    get accepted() {
      return conns.length;
    },
    async [Symbol.asyncDispose]() {
      listener.close();
      await loop;
      for (const c of conns) {
        try {
          c.close();
        } catch { /* closed */ }
      }
    },
  };
}

/** A port nothing listens on (bound, then released). */
function closedPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = l.addr.port;
  l.close();
  return port;
}

/** Await `p`, expect an FcpError with `code` (and detail matching `detail`), return it. */
async function refused(
  p: Promise<unknown>,
  code: ErrorCode,
  detail?: RegExp,
): Promise<FcpError> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  assert.ok(isFcpError(err, code), `expected ${code}, got ${err === undefined ? "success" : err}`);
  if (detail !== undefined) assert.match(err.detail, detail);
  return err;
}

async function withStore(fn: (store: CredentialStore) => Promise<void>): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "fcp-egress-" });
  try {
    await fn(CredentialStore.open(home, () => 1_700_000_000));
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);

// ---------------------------------------------------------------------------------------------
// Steps 1–6: refusals before any DNS

Deno.test("missing or invalid limits fail closed (FCP-3008) before anything else", async () => {
  await using h = harness({ "api.test": ["93.184.216.34"] });
  const hostAllow = ["api.test:443"];
  for (
    const [over, name] of [
      [{ connectTimeoutMs: undefined }, "connect_timeout_ms"],
      [{ connectTimeoutMs: 0 }, "connect_timeout_ms"],
      [{ totalTimeoutMs: undefined }, "total_timeout_ms"],
      [{ totalTimeoutMs: -1 }, "total_timeout_ms"],
      [{ maxResponseBytes: undefined }, "max_response_bytes"],
      [{ maxResponseBytes: 1.5 }, "max_response_bytes"],
      [{ dnsMaxIps: 0 }, "dns_max_ips"],
    ] as const
  ) {
    const c = { ...net({ hostAllow }), ...over } as unknown as OperationNetworkConstraints;
    await refused(
      h.guard.fetch(get("https://api.test/"), ctx(c)),
      "FCP-3008",
      new RegExp(`no valid ${name}; egress fails closed`),
    );
  }
  assert.deepEqual(h.lookups, []);
  assert.equal(h.events.length, 7);
  assert.ok(h.events.every((e) => e.type === "egress.denied" && e.code === "FCP-3008"));
});

Deno.test("non-http(s) schemes and URLs with userinfo are refused (FCP-3008), before DNS", async () => {
  await using h = harness({ "api.test": ["93.184.216.34"] });
  const c = net({ hostAllow: ["api.test:443", "api.test:80", "api.test:21"] });
  for (const url of ["ftp://api.test:21/", "ws://api.test/", "file:///etc/passwd", "data:,x"]) {
    await refused(h.guard.fetch(get(url), ctx(c)), "FCP-3008", /scheme .* refused/);
  }
  for (
    const url of ["https://user:pw@api.test/", "https://user@api.test/", "http://:pw@api.test/"]
  ) {
    await refused(h.guard.fetch(get(url), ctx(c)), "FCP-3008", /userinfo/);
  }
  // Not a URL at all: malformed request, not a policy refusal, so no egress.denied event.
  const before = h.events.length;
  await refused(h.guard.fetch(get("api.test/path"), ctx(c)), "FCP-1040");
  assert.equal(h.events.length, before);
  assert.deepEqual(h.lookups, []);
});

Deno.test("IP literals are refused under deny_ip_literals, in every spelling", async () => {
  await using h = harness();
  // Even when the literal is allow-listed: the literal rule comes first.
  const c = net({ hostAllow: ["127.0.0.1:80", "[::1]:80", "93.184.216.34:443"] });
  for (
    const url of [
      "http://127.0.0.1/",
      "http://2130706433/", // new URL canonicalizes shorthands to 127.0.0.1
      "http://0x7f.1/",
      "http://[::1]/",
      "http://[::ffff:127.0.0.1]/",
      "https://93.184.216.34/",
    ]
  ) {
    await refused(
      h.guard.fetch(get(url), ctx(c)),
      "FCP-3008",
      /IP literal host .* refused \(deny_ip_literals\)/,
    );
  }
  assert.deepEqual(h.lookups, []);
});

Deno.test("localhost and *.localhost are refused under deny_localhost, before DNS", async () => {
  await using h = harness({ localhost: ["127.0.0.1"], "api.localhost": ["127.0.0.1"] });
  const c = net({ hostAllow: ["localhost:80", "api.localhost:80"] });
  for (const url of ["http://localhost/", "http://LOCALHOST./", "http://api.localhost/"]) {
    await refused(h.guard.fetch(get(url), ctx(c)), "FCP-3008", /deny_localhost/);
  }
  assert.deepEqual(h.lookups, []);
});

Deno.test("host:port must equal a host_allow entry; checked before DNS", async () => {
  await using h = harness({
    "api.test": ["93.184.216.34"],
    "evil.test": ["93.184.216.34"],
    "sub.api.test": ["93.184.216.34"],
  });
  const c = net({ hostAllow: ["API.test:443"] }); // canonicalized like the URL host
  await refused(
    h.guard.fetch(get("https://evil.test/"), ctx(c)),
    "FCP-3008",
    /host evil\.test:443 is not in host_allow of demo\.get/,
  );
  await refused(
    h.guard.fetch(get("https://api.test:8443/"), ctx(c)),
    "FCP-3008",
    /port 8443 is not allowed for api\.test .*allowed: api\.test:443/,
  );
  // http defaults to port 80, which is not the allowed 443.
  await refused(h.guard.fetch(get("http://api.test/"), ctx(c)), "FCP-3008", /port 80/);
  await refused(h.guard.fetch(get("https://sub.api.test/"), ctx(c)), "FCP-3008", /host_allow/);
  await refused(
    h.guard.fetch(get("https://api.test/"), ctx(net({ hostAllow: [] }))),
    "FCP-3008",
    /host_allow/,
  );
  assert.deepEqual(h.lookups, [], "the allow list is checked before any DNS lookup");
  const denied = h.events[0]!;
  assert.equal(denied.type, "egress.denied");
  assert.equal(denied.host, "evil.test");
  assert.equal(denied.port, 443);
});

Deno.test("CONNECT, TRACE and TRACK are refused, as is a connector-supplied Host header", async () => {
  await using h = harness({ "api.test": ["93.184.216.34"] });
  const c = net({ hostAllow: ["api.test:443"] });
  for (const method of ["CONNECT", "TRACE", "trace", "TRACK"]) {
    await refused(
      h.guard.fetch({ method, url: "https://api.test/", headers: [] }, ctx(c)),
      "FCP-3008",
      /method (CONNECT|TRACE|TRACK) refused/,
    );
  }
  for (const name of ["Host", "host", "HOST"]) {
    await refused(
      h.guard.fetch(get("https://api.test/", [[name, "internal.test"]]), ctx(c)),
      "FCP-3008",
      /Host header/,
    );
  }
  // Malformed requests are FCP-1040.
  await refused(
    h.guard.fetch({ method: "GET /x", url: "https://api.test/", headers: [] }, ctx(c)),
    "FCP-1040",
  );
  await refused(
    h.guard.fetch(get("https://api.test/", [["x-a", "1\r\nx-b: 2"]]), ctx(c)),
    "FCP-1040",
  );
  await refused(
    h.guard.fetch(
      { method: "GET", url: "https://api.test/", headers: [], body: new Uint8Array([1]) },
      ctx(c),
    ),
    "FCP-1040",
  );
  assert.deepEqual(h.lookups, []);
});

Deno.test("spki_pins are refused (cannot be verified); require_sni refuses https to an IP literal", async () => {
  await using h = harness({ "api.test": ["93.184.216.34"] });
  await refused(
    h.guard.fetch(
      get("https://api.test/"),
      ctx(
        net({
          hostAllow: ["api.test:443"],
          spkiPins: ["47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="],
        }),
      ),
    ),
    "FCP-3008",
    /spki_pins/,
  );
  const literal = net({ hostAllow: ["93.184.216.34:443"], denyIpLiterals: false });
  await refused(
    h.guard.fetch(get("https://93.184.216.34/"), ctx(literal)),
    "FCP-3008",
    /no SNI.*require_sni/,
  );
  assert.deepEqual(h.lookups, []);
});

// ---------------------------------------------------------------------------------------------
// Step 8: DNS answers and the address policy

Deno.test("a name resolving to a non-public address is refused after DNS, naming class and rule", async () => {
  const cases: [string, RegExp][] = [
    ["127.0.0.1", /a loopback address, refused by deny_localhost/],
    ["127.5.6.7", /loopback/],
    ["10.1.2.3", /a private address, refused by deny_private_ranges/],
    ["172.16.0.1", /private.*deny_private_ranges/],
    ["192.168.1.1", /private.*deny_private_ranges/],
    ["169.254.1.1", /a link_local address, refused by deny_private_ranges/],
    ["100.64.0.1", /a cgnat address, refused by deny_tailnet_ranges/],
    ["fd7a:115c:a1e0::1", /cgnat.*deny_tailnet_ranges/],
    ["169.254.169.254", /a metadata address, which is always refused/],
    ["fd00:ec2::254", /metadata.*always refused/],
    ["0.0.0.0", /unspecified.*always refused/],
    ["::1", /loopback.*deny_localhost/],
    ["fc00::1", /a unique_local address, refused by deny_private_ranges/],
    ["fd12:3456::1", /unique_local/],
    ["fe80::1", /link_local.*deny_private_ranges/],
    ["::ffff:127.0.0.1", /loopback.*deny_localhost/],
    ["::ffff:10.0.0.1", /private/],
    ["224.0.0.1", /multicast.*always refused/],
    ["192.0.2.1", /documentation.*always refused/],
    ["not-an-ip", /not an IP address/],
  ];
  for (const [address, why] of cases) {
    await using h = harness({ "api.test": [address] });
    const err = await refused(
      h.guard.fetch(get("https://api.test/"), ctx(net({ hostAllow: ["api.test:443"] }))),
      "FCP-3008",
      why,
    );
    assert.match(err.detail, /api\.test resolved to/, address);
    assert.deepEqual(h.lookups, ["api.test"]);
    assert.deepEqual(h.events.map((e) => e.type), ["egress.denied"], address);
  }
});

Deno.test("a mixed answer (public + private) is refused whatever the order", async () => {
  for (const answer of [["93.184.216.34", "10.0.0.1"], ["10.0.0.1", "93.184.216.34"]]) {
    await using h = harness({ "api.test": answer });
    await refused(
      h.guard.fetch(get("https://api.test/"), ctx(net({ hostAllow: ["api.test:443"] }))),
      "FCP-3008",
      /resolved to 10\.0\.0\.1, a private address/,
    );
    assert.ok(!h.events.some((e) => e.type === "egress.allowed"));
  }
});

/** Vet without sending: the sink aborts at `egress.allowed`, which carries the addresses. */
async function vetted(
  answers: string[],
  c: OperationNetworkConstraints,
  allowCidrs: string[] = [],
): Promise<readonly string[] | FcpError> {
  await using h = harness({ "api.test": answers }, {
    allowCidrs,
    onEvent: (e) => {
      if (e.type === "egress.allowed") throw new Error("stop before sending");
    },
  });
  try {
    await h.guard.fetch(get("https://api.test/"), ctx(c));
  } catch (e) {
    if (isFcpError(e, "FCP-9002")) {
      return h.events.find((ev) => ev.type === "egress.allowed")!.addresses!;
    }
    if (isFcpError(e)) return e;
    throw e;
  }
  throw new Error("the sink should have stopped the request");
}

Deno.test("the flags control loopback/private/tailnet; always-denied classes stay refused", async () => {
  const open = net({
    hostAllow: ["api.test:443"],
    denyLocalhost: false,
    denyPrivateRanges: false,
    denyTailnetRanges: false,
  });
  for (const a of ["127.0.0.1", "10.0.0.1", "169.254.1.1", "fc00::1", "100.64.0.1"]) {
    assert.deepEqual(await vetted([a], open), [a]);
  }
  for (const a of ["169.254.169.254", "0.0.0.0", "224.0.0.1", "255.255.255.255", "240.0.0.1"]) {
    const r = await vetted([a], open);
    assert.ok(isFcpError(r, "FCP-3008") && /always refused/.test(r.detail), `${a}: ${r}`);
  }
  // Each flag covers only its own classes.
  const r = await vetted(["100.64.0.1"], { ...open, denyTailnetRanges: true });
  assert.ok(isFcpError(r, "FCP-3008") && /deny_tailnet_ranges/.test(r.detail));
});

Deno.test("allowCidrs lift the flag rules inside the blocks only, never the always-denied classes", async () => {
  const c = net({ hostAllow: ["api.test:443"] });
  assert.deepEqual(await vetted(["10.0.0.7"], c, ["10.0.0.0/24"]), ["10.0.0.7"]);
  // IPv4-mapped answers are matched by IPv4 blocks and dialled as IPv4.
  assert.deepEqual(await vetted(["::ffff:10.0.0.7"], c, ["10.0.0.0/24"]), ["10.0.0.7"]);
  const outside = await vetted(["10.0.1.7"], c, ["10.0.0.0/24"]);
  assert.ok(isFcpError(outside, "FCP-3008") && /deny_private_ranges/.test(outside.detail));
  const everything = ["0.0.0.0/0", "::/0"];
  for (
    const a of [
      "169.254.169.254",
      "169.254.170.2",
      "100.100.100.200",
      "fd00:ec2::254",
      "0.0.0.0",
      "::",
      "224.0.0.1",
      "ff02::1",
      "255.255.255.255",
      "192.0.2.1",
      "2001:db8::1",
      "240.0.0.1",
    ]
  ) {
    const r = await vetted([a], c, everything);
    assert.ok(isFcpError(r, "FCP-3008") && /always refused/.test(r.detail), `${a}: ${r}`);
  }
  // A malformed operator block is refused when the guard is built.
  assert.throws(
    () => new EgressGuard({ allowCidrs: ["10.0.0.0/33"] }),
    (e) => isFcpError(e, "FCP-1040"),
  );
});

Deno.test("cidr_deny applies even inside allowCidrs, to public addresses too, and fails closed", async () => {
  const allow = ["127.0.0.0/8", "10.0.0.0/8"];
  const deny = (cidrDeny: string[]) => net({ hostAllow: ["api.test:443"], cidrDeny });
  let r = await vetted(["127.0.0.1"], deny(["127.0.0.0/24"]), allow);
  assert.ok(isFcpError(r, "FCP-3008") && /inside cidr_deny 127\.0\.0\.0\/24/.test(r.detail));
  r = await vetted(["::ffff:10.1.1.1"], deny(["10.1.0.0/16"]), allow);
  assert.ok(isFcpError(r, "FCP-3008") && /cidr_deny/.test(r.detail));
  r = await vetted(["93.184.216.34"], deny(["93.184.216.0/24"]));
  assert.ok(isFcpError(r, "FCP-3008") && /cidr_deny/.test(r.detail));
  assert.deepEqual(await vetted(["93.184.217.1"], deny(["93.184.216.0/24"])), ["93.184.217.1"]);
  r = await vetted(["93.184.216.34"], deny(["not a cidr"]));
  assert.ok(isFcpError(r, "FCP-3008") && /failing closed/.test(r.detail));
});

Deno.test("dns_max_ips bounds the (deduplicated) answers; empty or failed DNS is FCP-7003", async () => {
  const c = net({ hostAllow: ["api.test:443"], dnsMaxIps: 2 });
  const r = await vetted(["93.184.216.1", "93.184.216.2", "93.184.216.3"], c);
  assert.ok(isFcpError(r, "FCP-3008") && /3 addresses, more than dns_max_ips 2/.test(r.detail));
  assert.deepEqual(
    await vetted(["93.184.216.1", "93.184.216.1", "93.184.216.2"], c),
    ["93.184.216.1", "93.184.216.2"],
  );
  const empty = await vetted([], c);
  assert.ok(isFcpError(empty, "FCP-7003") && /no A\/AAAA records/.test(empty.detail));
  await using h = harness({});
  await refused(h.guard.fetch(get("https://api.test/"), ctx(c)), "FCP-7003", /could not resolve/);
});

// ---------------------------------------------------------------------------------------------
// The allowed path

Deno.test("allowCidrs 127.0.0.1/32 lets an allow-listed name that resolves to loopback through", async () => {
  await using server = serve((req) =>
    new Response(`hello ${new URL(req.url).pathname}`, { headers: { "x-up": "1" } })
  );
  const hostPort = `api.test:${server.port}`;
  const c = net({ hostAllow: [hostPort] });
  {
    // Without the operator override the same request is refused after DNS.
    await using h = harness({ "api.test": ["127.0.0.1"] });
    await refused(h.guard.fetch(get(`http://${hostPort}/a`), ctx(c)), "FCP-3008", /loopback/);
    assert.equal(server.seen.length, 0);
  }
  await using h = harness({ "api.test": ["127.0.0.1"] }, { allowCidrs: ["127.0.0.1/32"] });
  const res = await h.guard.fetch(
    {
      method: "post",
      url: `http://API.test.:${server.port}/a?q=1#frag`,
      headers: [
        ["Connection", "x-hop"],
        ["X-Hop", "dropped"],
        ["TE", "trailers"],
        ["Accept-Encoding", "identity"],
        ["Proxy-Authorization", "Basic x"],
        ["X-Keep", "kept"],
      ],
      body: new TextEncoder().encode("payload"),
    },
    ctx(c),
  );
  assert.equal(res.status, 200);
  assert.equal(text(res.body), "hello /a");
  assert.equal(res.truncated, false);
  assert.equal(res.url, `http://api.test:${server.port}/a?q=1`);
  assert.ok(res.headers.some(([n, v]) => n === "x-up" && v === "1"));
  assert.equal(server.seen.length, 1);
  const seen = server.seen[0]!;
  assert.equal(seen.method, "POST");
  assert.equal(seen.body, "payload");
  assert.equal(seen.headers["host"], hostPort, "Host comes from the canonical URL");
  assert.equal(seen.headers["x-keep"], "kept");
  for (const dropped of ["x-hop", "te", "proxy-authorization"]) {
    assert.equal(seen.headers[dropped], undefined, dropped);
  }
  assert.notEqual(seen.headers["accept-encoding"], "identity", "accept-encoding is the guard's");
  assert.deepEqual(h.lookups, ["api.test"]);
  assert.deepEqual(h.events.map((e) => e.type), ["egress.allowed"]);
  assert.deepEqual(h.events[0]!.addresses, ["127.0.0.1"]);
});

Deno.test("with deny_localhost off, loopback is reachable without allowCidrs", async () => {
  await using server = serve();
  await using h = harness({ "api.test": ["127.0.0.1"] });
  const c = net({ hostAllow: [`api.test:${server.port}`], denyLocalhost: false });
  const res = await h.guard.fetch(get(`http://api.test:${server.port}/`), ctx(c));
  assert.equal(text(res.body), "ok");
});

Deno.test("the vetted address is pinned: one lookup per fetch, no rebinding", async () => {
  await using server = serve();
  const hostPort = `api.test:${server.port}`;
  // First answer: the vetted loopback server. Any later answer: a private address.
  await using h = harness((_name, call) => call === 1 ? ["127.0.0.1"] : ["10.0.0.1"], {
    allowCidrs: ["127.0.0.1/32"],
  });
  const c = net({ hostAllow: [hostPort] });
  const res = await h.guard.fetch(get(`http://${hostPort}/first`), ctx(c));
  assert.equal(res.status, 200);
  assert.equal(h.lookups.length, 1, "exactly one lookup for the request");
  assert.deepEqual(server.seen.map((s) => s.path), ["/first"]);
  // The next request re-resolves, sees the rebound answer and is refused.
  await refused(h.guard.fetch(get(`http://${hostPort}/second`), ctx(c)), "FCP-3008", /10\.0\.0\.1/);
  assert.equal(h.lookups.length, 2);
  assert.deepEqual(server.seen.map((s) => s.path), ["/first"]);
});

/**
 * "localhost" resolves to 127.0.0.1 in the system resolver; the guard's resolver says 127.0.0.2.
 * Two servers on the same port tell which address the request really reached.
 */
async function assertDialsVettedAddress(): Promise<void> {
  await using vettedServer = serve(() => new Response("vetted"), { hostname: "127.0.0.2" });
  await using systemServer = serve(() => new Response("system dns"), {
    port: vettedServer.port,
  });
  await using h = harness({ localhost: ["127.0.0.2"] }, { allowCidrs: ["127.0.0.2/32"] });
  const c = net({ hostAllow: [`localhost:${vettedServer.port}`], denyLocalhost: false });
  const res = await h.guard.fetch(get(`http://localhost:${vettedServer.port}/`), ctx(c));
  assert.equal(text(res.body), "vetted");
  assert.equal(systemServer.seen.length, 0);
  assert.deepEqual(h.events[0]!.addresses, ["127.0.0.2"]);
}

Deno.test("fetch dials only the vetted address, never its own DNS answer for the name", async () => {
  await assertDialsVettedAddress();
});

Deno.test("NO_PROXY / no_proxy in the environment cannot route a request around the tunnel", async () => {
  const before = { upper: Deno.env.get("NO_PROXY"), lower: Deno.env.get("no_proxy") };
  Deno.env.set("NO_PROXY", "*");
  Deno.env.set("no_proxy", "localhost");
  try {
    await assertDialsVettedAddress();
    // The operator's variables are left as they were.
    assert.equal(Deno.env.get("NO_PROXY"), "*");
    assert.equal(Deno.env.get("no_proxy"), "localhost");
  } finally {
    for (const [name, v] of [["NO_PROXY", before.upper], ["no_proxy", before.lower]] as const) {
      if (v === undefined) Deno.env.delete(name);
      else Deno.env.set(name, v);
    }
  }
});

Deno.test("without env access to NO_PROXY the guard fails closed (FCP-9001) and sends nothing", async () => {
  await using server = serve();
  const dir = await Deno.makeTempDir({ prefix: "fcp-noenv-" });
  try {
    const script = `${dir}/fetch.ts`;
    await Deno.writeTextFile(
      script,
      `import { EgressGuard } from ${
        JSON.stringify(new URL("./egress_guard.ts", import.meta.url).href)
      };
import { strictNetworkConstraints } from ${
        JSON.stringify(new URL("./manifest_types.ts", import.meta.url).href)
      };
const port = Number(Deno.args[0]);
const guard = new EgressGuard({ resolver: () => Promise.resolve(["127.0.0.1"]), allowCidrs: ["127.0.0.1/32"] });
try {
  await guard.fetch({ method: "GET", url: "http://api.test:" + port + "/", headers: [] }, {
    connectorId: "fcp.demo", zone: "z:work", operation: "demo.get", requestId: "r",
    constraints: strictNetworkConstraints({ hostAllow: ["api.test:" + port] }),
  });
  console.log("sent");
} catch (e) {
  console.log(e.code, e.message);
} finally {
  await guard.close();
}
`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--config",
        new URL("../../deno.json", import.meta.url).pathname,
        "--allow-net=127.0.0.1",
        script,
        String(server.port),
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout).trim();
    assert.match(stdout, /^FCP-9001 .*NO_PROXY/, new TextDecoder().decode(out.stderr));
    assert.equal(server.seen.length, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an unreachable vetted address is FCP-7003", async () => {
  const port = closedPort();
  await using h = harness({ "api.test": ["127.0.0.1"] }, { allowCidrs: ["127.0.0.1/32"] });
  await refused(
    h.guard.fetch(get(`http://api.test:${port}/`), ctx(net({ hostAllow: [`api.test:${port}`] }))),
    "FCP-7003",
    /could not connect to api\.test/,
  );
});

Deno.test("3xx responses are returned, not followed", async () => {
  await using server = serve((req) =>
    new URL(req.url).pathname === "/from"
      ? new Response(null, { status: 302, headers: { location: "/to" } })
      : new Response("followed")
  );
  await using h = harness({ "api.test": ["127.0.0.1"] }, { allowCidrs: ["127.0.0.1/32"] });
  const c = net({ hostAllow: [`api.test:${server.port}`] });
  const res = await h.guard.fetch(get(`http://api.test:${server.port}/from`), ctx(c));
  assert.equal(res.status, 302);
  assert.ok(res.headers.some(([n, v]) => n === "location" && v === "/to"));
  assert.deepEqual(server.seen.map((s) => s.path), ["/from"]);
});

Deno.test("redirect chains are counted per invoke: a hop beyond max_redirects is FCP-3008", async () => {
  // /r/N redirects to /r/N+1 (relative Location); /loop redirects to itself.
  await using server = serve((req) => {
    const path = new URL(req.url).pathname;
    const n = Number(path.split("/")[2] ?? "0");
    if (path === "/loop") {
      return new Response(null, { status: 301, headers: { location: "/loop" } });
    }
    return new Response(null, { status: 302, headers: { location: `/r/${n + 1}` } });
  });
  await using h = harness({ "api.test": ["127.0.0.1"] }, { allowCidrs: ["127.0.0.1/32"] });
  const c = net({ hostAllow: [`api.test:${server.port}`], maxRedirects: 2 });
  const base = `http://api.test:${server.port}`;
  for (const n of [0, 1, 2]) {
    assert.equal((await h.guard.fetch(get(`${base}/r/${n}`), ctx(c))).status, 302);
  }
  await refused(
    h.guard.fetch(get(`${base}/r/3`), ctx(c)),
    "FCP-3008",
    /redirect hop 3 .* exceeds max_redirects 2/,
  );
  assert.deepEqual(server.seen.map((x) => x.path), ["/r/0", "/r/1", "/r/2"]);
  // Another invoke (request id) starts its own count.
  const other = { ...ctx(c), requestId: "req-2" };
  assert.equal((await h.guard.fetch(get(`${base}/r/3`), other)).status, 302);
  // A self-redirect loop ends at the limit too.
  const loop = { ...ctx(c), requestId: "req-3" };
  for (let i = 0; i < 3; i++) await h.guard.fetch(get(`${base}/loop`), loop);
  await refused(h.guard.fetch(get(`${base}/loop`), loop), "FCP-3008", /exceeds max_redirects/);
  // max_redirects 0: the first redirect may not be followed at all.
  const none = {
    ...ctx(net({ hostAllow: [`api.test:${server.port}`], maxRedirects: 0 })),
    requestId: "req-4",
  };
  await h.guard.fetch(get(`${base}/r/10`), none);
  await refused(h.guard.fetch(get(`${base}/r/11`), none), "FCP-3008", /max_redirects 0/);
});

// ---------------------------------------------------------------------------------------------
// Step 7: credentials (§7.3.1)

Deno.test("credential refusals are FCP-3010, before DNS, and never reveal the secret", async () => {
  await withStore(async (store) => {
    await store.put({
      id: CRED,
      header: "authorization",
      scheme: "Bearer",
      hosts: ["api.test:443"],
    }, SECRET);
    await store.put({ id: "cred:other", header: "x-api-key", hosts: ["other.test:443"] }, SECRET);
    const c = net({
      hostAllow: ["api.test:443"],
      credentialAllow: [CRED, "cred:other", "cred:missing"],
    });
    const url = "https://api.test/";
    const errors: FcpError[] = [];
    {
      await using h = harness({ "api.test": ["93.184.216.34"] }, { credentials: store });
      const not = net({ hostAllow: ["api.test:443"], credentialAllow: ["cred:other"] });
      errors.push(
        await refused(
          h.guard.fetch(get(url, [], CRED), ctx(not)),
          "FCP-3010",
          /credential cred:svc is not in credential_allow of demo\.get/,
        ),
        await refused(
          h.guard.fetch(get(url, [], CRED), ctx(c, { tokenCredentialAllow: ["cred:other"] })),
          "FCP-3010",
          /not in the capability token's credential_allow/,
        ),
        await refused(
          h.guard.fetch(get(url, [], CRED), ctx(c, { tokenCredentialAllow: [] })),
          "FCP-3010",
          /capability token/,
        ),
        await refused(
          h.guard.fetch(get(url, [], "cred:missing"), ctx(c)),
          "FCP-3010",
          /no credential cred:missing on this node/,
        ),
        await refused(
          h.guard.fetch(get(url, [], "cred:other"), ctx(c)),
          "FCP-3010",
          /cred:other is not bound to api\.test:443 \(bound to other\.test:443\)/,
        ),
        await refused(
          h.guard.fetch(get(url, [["Authorization", "Bearer mine"]], CRED), ctx(c)),
          "FCP-3010",
          /header authorization is injected by the host/,
        ),
      );
      assert.deepEqual(h.lookups, [], "credentials are checked before DNS");
      assert.equal(h.events.length, errors.length);
      for (const e of h.events) {
        assert.equal(e.type, "egress.denied");
        assert.equal(e.code, "FCP-3010");
        assert.ok(e.credential !== undefined && e.reason !== undefined);
      }
      assert.ok(!JSON.stringify(h.events).includes(SECRET));
    }
    {
      await using h = harness({ "api.test": ["93.184.216.34"] });
      errors.push(
        await refused(
          h.guard.fetch(get(url, [], CRED), ctx(c)),
          "FCP-3010",
          /no credential store on this node for cred:svc/,
        ),
      );
    }
    for (const e of errors) {
      assert.ok(!`${e.message} ${String(e.cause ?? "")}`.includes(SECRET), e.message);
    }
  });
});

/** A Bearer credential for api.test:port (→ 127.0.0.1) in `store`, and a guard that may use it. */
async function bearerSetup(store: CredentialStore, port: number) {
  const hostPort = `api.test:${port}`;
  await store.put(
    { id: CRED, header: "authorization", scheme: "Bearer", hosts: [hostPort] },
    SECRET,
  );
  const h = harness({ "api.test": ["127.0.0.1"] }, {
    credentials: store,
    allowCidrs: ["127.0.0.1/32"],
  });
  return { h, hostPort, c: net({ hostAllow: [hostPort], credentialAllow: [CRED] }) };
}

Deno.test("an allowed credential is injected into the upstream request, audited, never echoed", async () => {
  await withStore(async (store) => {
    await using server = serve();
    const { h, hostPort, c } = await bearerSetup(store, server.port);
    await using _h = h;
    const res = await h.guard.fetch(
      get(`http://${hostPort}/`, [["x-other", "1"]], CRED),
      ctx(c, { tokenCredentialAllow: [CRED] }),
    );
    assert.equal(res.status, 200);
    assert.equal(server.seen.length, 1);
    assert.equal(server.seen[0]!.headers["authorization"], `Bearer ${SECRET}`);
    assert.deepEqual(h.events.map((e) => e.type), ["egress.allowed", "secret.access"]);
    const [allowed, access] = h.events as [EgressEvent, EgressEvent];
    assert.deepEqual(allowed.addresses, ["127.0.0.1"]);
    assert.equal(allowed.credential, CRED);
    assert.equal(access.credential, CRED);
    assert.equal(access.host, "api.test");
    assert.equal(access.port, server.port);
    assert.equal(access.requestId, "req-1");
    assert.ok(!JSON.stringify(h.events).includes(SECRET), "no event carries the secret");
    assert.ok(!JSON.stringify(res).includes(SECRET));
  });
});

Deno.test("a response that echoes the injected credential reaches the connector redacted", async () => {
  await withStore(async (store) => {
    // An upstream that reflects the Authorization header in a header and (twice) in the body.
    await using server = serve((req) => {
      const auth = req.headers.get("authorization") ?? "";
      const raw = auth.replace(/^Bearer /, "");
      return new Response(`you sent ${auth}; token=${raw}; again ${raw}`, {
        headers: { "x-echo": auth },
      });
    });
    const { h, hostPort, c } = await bearerSetup(store, server.port);
    await using _h = h;
    const res = await h.guard.fetch(get(`http://${hostPort}/`, [], CRED), ctx(c));
    const body = text(res.body);
    assert.ok(!body.includes(SECRET), body);
    assert.equal(body, "you sent [redacted]; token=[redacted]; again [redacted]");
    assert.deepEqual(res.headers.find(([n]) => n === "x-echo"), ["x-echo", "[redacted]"]);
    assert.ok(!JSON.stringify(res).includes(SECRET));
  });
});

// ---------------------------------------------------------------------------------------------
// TLS (step 10): the host name's SNI and certificate checks, extra CA roots

const HAVE_OPENSSL = await new Deno.Command("openssl", {
  args: ["version"],
  stdout: "null",
  stderr: "null",
}).output().then((o) => o.success, () => false);

async function openssl(cwd: string, args: string[]): Promise<void> {
  const out = await new Deno.Command("openssl", { args, cwd, stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
}

/** A throwaway CA and one leaf certificate per name, PEM. */
async function makePki(names: string[]) {
  const dir = await Deno.makeTempDir({ prefix: "fcp-egress-pki-" });
  try {
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    await openssl(dir, [
      "req",
      "-x509",
      ...ec,
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-days",
      "2",
      "-subj",
      "/CN=fcp egress test CA",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    const leaves: Record<string, { cert: string; key: string }> = {};
    for (const name of names) {
      await openssl(dir, [
        "req",
        ...ec,
        "-keyout",
        `${name}.key`,
        "-out",
        `${name}.csr`,
        "-subj",
        `/CN=${name}`,
      ]);
      await Deno.writeTextFile(
        `${dir}/${name}.ext`,
        `subjectAltName=DNS:${name}\nbasicConstraints=critical,CA:FALSE\n` +
          `keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n`,
      );
      await openssl(dir, [
        "x509",
        "-req",
        "-in",
        `${name}.csr`,
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        `${name}.ext`,
        "-out",
        `${name}.pem`,
      ]);
      leaves[name] = {
        cert: await Deno.readTextFile(`${dir}/${name}.pem`),
        key: await Deno.readTextFile(`${dir}/${name}.key`),
      };
    }
    return { ca: await Deno.readTextFile(`${dir}/ca.pem`), leaves };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name: "https: an extra CA root is trusted; without it, or for another name, the handshake fails",
  ignore: !HAVE_OPENSSL,
  async fn() {
    if (!HAVE_OPENSSL) console.warn("openssl not found: TLS test skipped");
    const pki = await makePki(["svc.test", "other.test"]);
    await using good = serve((req) => new Response(`tls ${new URL(req.url).host}`), {
      ...pki.leaves["svc.test"]!,
    });
    await using wrongName = serve(() => new Response("should not be reached"), {
      ...pki.leaves["other.test"]!,
    });
    const answers = { "svc.test": ["127.0.0.1"] };
    const allowCidrs = ["127.0.0.1/32"];
    const c = net({ hostAllow: [`svc.test:${good.port}`, `svc.test:${wrongName.port}`] });
    {
      await using h = harness(answers, { allowCidrs, caCerts: [pki.ca] });
      const res = await h.guard.fetch(get(`https://svc.test:${good.port}/`), ctx(c));
      assert.equal(res.status, 200);
      assert.equal(text(res.body), `tls svc.test:${good.port}`);
      // The certificate is for other.test: the name check fails even with the right CA.
      await refused(
        h.guard.fetch(get(`https://svc.test:${wrongName.port}/`), ctx(c)),
        "FCP-7003",
        /failed/,
      );
    }
    {
      await using h = harness(answers, { allowCidrs });
      await refused(
        h.guard.fetch(get(`https://svc.test:${good.port}/`), ctx(c)),
        "FCP-7003",
        /GET svc\.test:\d+ failed/,
      );
    }
    assert.equal(good.seen.length, 1);
    assert.equal(wrongName.seen.length, 0);
  },
});

// ---------------------------------------------------------------------------------------------
// Step 11: truncation and decoding

Deno.test("a body longer than max_response_bytes is cut to exactly max_response_bytes", async () => {
  const big = new Uint8Array(200_000).map((_, i) => i % 251);
  await using server = serve((req) =>
    new Response(new URL(req.url).pathname === "/big" ? big : big.subarray(0, 1000))
  );
  await using h = harness({ "api.test": ["127.0.0.1"] }, { allowCidrs: ["127.0.0.1/32"] });
  const c = net({ hostAllow: [`api.test:${server.port}`], maxResponseBytes: 1000 });
  const cut = await h.guard.fetch(get(`http://api.test:${server.port}/big`), ctx(c));
  assert.equal(cut.truncated, true);
  assert.equal(cut.body.length, 1000);
  assert.deepEqual(cut.body, big.subarray(0, 1000));
  const exact = await h.guard.fetch(get(`http://api.test:${server.port}/exact`), ctx(c));
  assert.equal(exact.truncated, false);
  assert.equal(exact.body.length, 1000);
});

async function gzip(bytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([new Uint8Array(bytes)]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("gzip responses are decoded and the cap counts decoded bytes", async () => {
  const bomb = await gzip(new Uint8Array(4 << 20)); // 4 MiB of zeros, a few KiB on the wire
  const small = await gzip(new TextEncoder().encode("hello gzip"));
  await using server = serve((req) =>
    new Response(new URL(req.url).pathname === "/bomb" ? bomb : small, {
      headers: { "content-encoding": "gzip", "content-type": "application/octet-stream" },
    })
  );
  await using h = harness({ "api.test": ["127.0.0.1"] }, { allowCidrs: ["127.0.0.1/32"] });
  const c = net({ hostAllow: [`api.test:${server.port}`], maxResponseBytes: 64 * 1024 });
  const res = await h.guard.fetch(get(`http://api.test:${server.port}/bomb`), ctx(c));
  assert.ok(bomb.length < c.maxResponseBytes, "the compressed body alone fits the cap");
  assert.equal(res.truncated, true);
  assert.equal(res.body.length, 64 * 1024);
  assert.ok(res.body.every((b) => b === 0));
  const names = res.headers.map(([n]) => n);
  assert.ok(!names.includes("content-encoding") && !names.includes("content-length"));
  const ok = await h.guard.fetch(get(`http://api.test:${server.port}/small`), ctx(c));
  assert.equal(text(ok.body), "hello gzip");
  assert.equal(ok.truncated, false);
  assert.match(server.seen[0]!.headers["accept-encoding"] ?? "", /gzip/);
});

// ---------------------------------------------------------------------------------------------
// Timeouts and aborts (FCP-6003)

Deno.test("a server that never answers fails FCP-6003 within total_timeout_ms", async () => {
  await using silent = silentServer();
  await using h = harness({ "api.test": ["127.0.0.1"] }, { allowCidrs: ["127.0.0.1/32"] });
  const c = net({ hostAllow: [`api.test:${silent.port}`], totalTimeoutMs: 500 });
  const t0 = performance.now();
  await refused(
    h.guard.fetch(get(`http://api.test:${silent.port}/`), ctx(c)),
    "FCP-6003",
    /total_timeout_ms 500 ms exceeded/,
  );
  assert.ok(performance.now() - t0 < 8_000, "finished well before 8 s");
  assert.equal(silent.accepted, 1, "the request did reach the (silent) server");
});

Deno.test("a resolver that never answers fails FCP-6003 after connect_timeout_ms", async () => {
  let lookups = 0;
  const guard = new EgressGuard({
    resolver: () => {
      lookups++;
      return new Promise<string[]>(() => {});
    },
  });
  try {
    const c = net({ hostAllow: ["api.test:443"], connectTimeoutMs: 300, totalTimeoutMs: 5_000 });
    const t0 = performance.now();
    await refused(
      guard.fetch(get("https://api.test/"), ctx(c)),
      "FCP-6003",
      /resolving api\.test timed out after connect_timeout_ms 300 ms/,
    );
    assert.ok(performance.now() - t0 < 4_000, "finished before total_timeout_ms");
  } finally {
    await guard.close();
  }
  assert.equal(lookups, 1);
});

Deno.test("the caller's AbortSignal aborts with FCP-6003; an FcpError reason is rethrown as is", async () => {
  await using silent = silentServer();
  await using h = harness({ "api.test": ["127.0.0.1"] }, { allowCidrs: ["127.0.0.1/32"] });
  const c = net({ hostAllow: [`api.test:${silent.port}`], totalTimeoutMs: 20_000 });
  const url = `http://api.test:${silent.port}/`;
  const t0 = performance.now();
  await refused(
    h.guard.fetch(get(url), ctx(c, { signal: AbortSignal.timeout(300) })),
    "FCP-6003",
    /aborted by the caller/,
  );
  assert.ok(performance.now() - t0 < 8_000, "long before total_timeout_ms");
  const ac = new AbortController();
  const reason = new FcpError("FCP-6003", "wall_clock_timeout_ms 300 ms exceeded");
  const timer = setTimeout(() => ac.abort(reason), 300);
  try {
    const err = await refused(h.guard.fetch(get(url), ctx(c, { signal: ac.signal })), "FCP-6003");
    assert.equal(err.detail, reason.detail);
  } finally {
    clearTimeout(timer);
  }
  // Already aborted: nothing is sent, and DNS is not asked.
  const before = silent.accepted;
  const lookups = h.lookups.length;
  const done = new AbortController();
  done.abort();
  await refused(h.guard.fetch(get(url), ctx(c, { signal: done.signal })), "FCP-6003");
  assert.equal(silent.accepted, before);
  assert.equal(h.lookups.length, lookups);
});

// ---------------------------------------------------------------------------------------------
// Audit events (step 9)

Deno.test("egress.denied carries who, where, the code and the reason", async () => {
  await using h = harness({ "api.test": ["10.0.0.1"] });
  await refused(
    h.guard.fetch(get("https://api.test/x"), ctx(net({ hostAllow: ["api.test:443"] }))),
    "FCP-3008",
  );
  assert.equal(h.events.length, 1);
  const e = h.events[0]!;
  assert.equal(e.type, "egress.denied");
  assert.equal(e.code, "FCP-3008");
  assert.equal(e.connectorId, "fcp.demo");
  assert.equal(e.zone, "z:work");
  assert.equal(e.operation, "demo.get");
  assert.equal(e.requestId, "req-1");
  assert.equal(e.host, "api.test");
  assert.equal(e.port, 443);
  assert.equal(e.method, "GET");
  assert.match(e.reason ?? "", /api\.test resolved to 10\.0\.0\.1, a private address/);
  assert.equal(e.addresses, undefined);
});

Deno.test("a failing audit sink aborts the request before anything is sent", async () => {
  await withStore(async (store) => {
    await using server = serve();
    const hostPort = `api.test:${server.port}`;
    await store.put({ id: CRED, header: "x-api-key", hosts: [hostPort] }, SECRET);
    const c = net({ hostAllow: [hostPort], credentialAllow: [CRED] });
    for (const failOn of ["egress.allowed", "secret.access"]) {
      await using h = harness({ "api.test": ["127.0.0.1"] }, {
        credentials: store,
        allowCidrs: ["127.0.0.1/32"],
        onEvent: (e) => {
          if (e.type === failOn) throw new Error("audit disk full");
        },
      });
      const err = await refused(
        h.guard.fetch(get(`http://${hostPort}/`, [], CRED), ctx(c)),
        "FCP-9002",
        new RegExp(`egress audit sink failed on ${failOn}`),
      );
      assert.ok(!err.message.includes(SECRET));
      assert.equal(server.seen.length, 0, `nothing sent when the sink fails on ${failOn}`);
    }
    // An FcpError from the sink is rethrown as is.
    await using h = harness({ "api.test": ["127.0.0.1"] }, {
      allowCidrs: ["127.0.0.1/32"],
      onEvent: () => {
        throw new FcpError("FCP-9002", "audit chain locked");
      },
    });
    await refused(
      h.guard.fetch(get(`http://${hostPort}/`), ctx(net({ hostAllow: [hostPort] }))),
      "FCP-9002",
      /audit chain locked/,
    );
    assert.equal(server.seen.length, 0);
  });
});

Deno.test("a sink failing on egress.denied does not mask the refusal", async () => {
  await using h = harness({}, {
    onEvent: () => Promise.reject(new Error("sink down")),
  });
  await refused(h.guard.fetch(get("https://evil.test/"), ctx(net())), "FCP-3008", /host_allow/);
  assert.equal(h.events.length, 1);
});

Deno.test("close is idempotent and a closed guard refuses with FCP-9001", async () => {
  const h = harness({ "api.test": ["93.184.216.34"] });
  await h.guard.close();
  await h.guard.close();
  await refused(
    h.guard.fetch(get("https://api.test/"), ctx(net({ hostAllow: ["api.test:443"] }))),
    "FCP-9001",
  );
  assert.deepEqual(h.lookups, []);
});
