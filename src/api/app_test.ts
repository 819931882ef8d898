import assert from "node:assert/strict";
import { FcpError, toHex } from "../core/mod.ts";
import type { ZoneId } from "../model/mod.ts";
import { createApp } from "./app.ts";
import type { ApiDeps, InvokeRequest, NodeStatus, ObjectService } from "./deps.ts";
import { openApiPath } from "./openapi.ts";

const TOKEN = "f".repeat(64);
const AUTH = { authorization: `Bearer ${TOKEN}` };
const BASE = "http://127.0.0.1:7878";

const STATUS: NodeStatus = {
  state: "running",
  "node_id": "node-t",
  version: "0.1.0",
  pid: 42,
  "started_at": 1_700_000_000,
  "uptime_secs": 5,
  listen: { hostname: "127.0.0.1", port: 7878 },
  zones: ["z:work"],
  store: { kind: "memory", objects: 0 },
  services: [],
};

/** An ObjectService test double keeping bytes in a map keyed by zone and a counter id. */
function memoryObjects(): ObjectService & { puts: number } {
  const objects = new Map<string, Uint8Array>();
  const svc = {
    puts: 0,
    put(zone: ZoneId, body: Uint8Array) {
      svc.puts++;
      const id = toHex(new Uint8Array(32).fill(body.length % 256));
      const created = !objects.has(`${zone}/${id}`);
      objects.set(`${zone}/${id}`, body);
      return Promise.resolve({ "object_id": id, zone, size: body.length, created });
    },
    get(zone: ZoneId, id: Uint8Array) {
      return Promise.resolve(objects.get(`${zone}/${toHex(id)}`));
    },
  };
  return svc;
}

function fullDeps(overrides: Partial<ApiDeps> = {}) {
  const invoked: InvokeRequest[] = [];
  const deps: ApiDeps = {
    status: { status: () => Promise.resolve(STATUS) },
    objects: memoryObjects(),
    connectors: {
      list: () =>
        Promise.resolve([{
          id: "fcp.fs",
          version: "1.0.0",
          state: "active",
          health: "ok",
          zones: ["z:work"],
        }]),
      install: (source) => Promise.resolve({ id: source, created: true }),
      activate: (id, req) =>
        Promise.resolve({
          id,
          zone: req.zone,
          read: [...(req.grantRead ?? [])],
          hosts: [...(req.allowHosts ?? [])],
        }),
      deactivate: (id, zone) => Promise.resolve({ id, zone, desired: "inactive" }),
      health: (id) => Promise.resolve([{ instance_id: `${id}:z:work`, health: "ok" }]),
    },
    invoke: {
      invoke: (r) => {
        invoked.push(r);
        if (r.operation === "denied") {
          return Promise.reject(new FcpError("FCP-3001", "policy denies fcp.fs.denied"));
        }
        if (r.operation === "boom") return Promise.reject(new Error("secret internal detail"));
        return Promise.resolve({ ok: true, operation: r.operation });
      },
    },
    explain: {
      explain: (id) => Promise.resolve(id === "req-1" ? { decision: "deny" } : undefined),
    },
    audit: {
      tail: (zone, n) =>
        Promise.resolve(Array.from({ length: Math.min(n, 3) }, (_, i) => ({ seq: i, zone }))),
    },
    ...overrides,
  };
  return { deps, invoked };
}

async function errorBody(res: Response): Promise<{ code: string; name: string; message: string }> {
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  const body = await res.json();
  assert.deepEqual(Object.keys(body).sort(), ["code", "message", "name"]);
  return body;
}

Deno.test("every route refuses a missing or wrong bearer token with 401 FCP-2015", async () => {
  const { app, routes } = createApp(fullDeps().deps, { token: TOKEN });
  const wrong = [
    {},
    { authorization: `Bearer ${"e".repeat(64)}` },
    { authorization: `Bearer ${TOKEN.slice(1)}` },
    { authorization: `Bearer ${TOKEN}x` },
    { authorization: `Basic ${TOKEN}` },
    { authorization: TOKEN },
  ];
  const paths: [string, string][] = [
    ...routes.map((r) => r.split(" ") as [string, string]),
    ["GET", "/v1/nope"],
  ];
  for (const [method, path] of paths) {
    const url = BASE + path.replace("{id}", "ab".repeat(32)) + "?zone=z:work";
    for (const headers of wrong) {
      const res = await app.request(url, { method, headers });
      assert.equal(res.status, 401, `${method} ${path} ${JSON.stringify(headers)}`);
      assert.equal(res.headers.get("www-authenticate"), "Bearer");
      assert.equal((await errorBody(res)).code, "FCP-2015");
    }
  }
  const ok = await app.request(`${BASE}/v1/status`, { headers: AUTH });
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), STATUS);
  const lower = await app.request(`${BASE}/v1/status`, {
    headers: { authorization: `bearer ${TOKEN}` },
  });
  assert.equal(lower.status, 200);
});

Deno.test("non-loopback Host and cross-origin requests are refused with 403 FCP-2016", async () => {
  const { app } = createApp(fullDeps().deps, { token: TOKEN });
  for (const host of ["evil.example", "evil.example:7878", "127.0.0.1.nip.io", "10.0.0.1:7878"]) {
    const res = await app.request(`${BASE}/v1/status`, { headers: { ...AUTH, host } });
    assert.equal(res.status, 403, host);
    assert.equal((await errorBody(res)).code, "FCP-2016");
  }
  const cross = await app.request(`${BASE}/v1/status`, {
    headers: { ...AUTH, origin: "https://evil.example" },
  });
  assert.equal(cross.status, 403);
  assert.equal((await errorBody(cross)).code, "FCP-2016");
  // Even without the token, a rebinding page learns nothing beyond the refusal.
  const noToken = await app.request(`${BASE}/v1/status`, { headers: { host: "evil.example" } });
  assert.equal(noToken.status, 403);
  for (const host of ["127.0.0.1:7878", "localhost:7878", "localhost", "[::1]:7878"]) {
    const res = await app.request(`${BASE}/v1/status`, {
      headers: { ...AUTH, host, origin: `http://${host}` },
    });
    assert.equal(res.status, 200, host);
  }
});

Deno.test("no CORS: a preflight gets no Access-Control headers", async () => {
  const { app } = createApp(fullDeps().deps, { token: TOKEN });
  const res = await app.request(`${BASE}/v1/status`, {
    method: "OPTIONS",
    headers: { origin: "http://localhost:3000", "access-control-request-method": "GET" },
  });
  assert.equal(res.status, 401);
  for (const [k] of res.headers) assert.doesNotMatch(k, /^access-control-/);
});

Deno.test("errors map codes to HTTP statuses and never leak internals", async () => {
  const { deps } = fullDeps();
  const { app } = createApp(deps, { token: TOKEN });
  const post = (body: unknown) =>
    app.request(`${BASE}/v1/invoke`, {
      method: "POST",
      headers: { ...AUTH, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const denied = await post({
    connector: "fcp.fs",
    operation: "denied",
    zone: "z:work",
    input: null,
  });
  assert.equal(denied.status, 403);
  assert.deepEqual(await errorBody(denied), {
    code: "FCP-3001",
    name: "capability.denied",
    message: "policy denies fcp.fs.denied",
  });
  const boom = await post({ connector: "fcp.fs", operation: "boom", zone: "z:work", input: 1 });
  assert.equal(boom.status, 500);
  const text = await boom.text();
  assert.deepEqual(JSON.parse(text), {
    code: "FCP-9001",
    name: "internal.error",
    message: "internal error",
  });
  assert.doesNotMatch(text, /secret internal detail|at \w+ \(/);
  const unknown = await app.request(`${BASE}/v1/nope`, { headers: AUTH });
  assert.equal(unknown.status, 404);
  assert.equal((await errorBody(unknown)).code, "FCP-6001");
  const full = createApp(fullDeps().deps, { token: TOKEN }).app;
  for (
    const [method, path, allow] of [
      ["DELETE", "/v1/status", "GET, HEAD"],
      ["GET", "/v1/invoke", "POST"],
      ["DELETE", `/v1/objects/${"ab".repeat(32)}`, "GET, HEAD"],
      ["GET", "/v1/connectors/fcp.fs/activate", "POST"],
    ] as const
  ) {
    const res = await full.request(BASE + path, { method, headers: AUTH });
    assert.equal(res.status, 405, `${method} ${path}`);
    assert.equal(res.headers.get("allow"), allow);
    assert.equal((await errorBody(res)).code, "FCP-1042");
  }
  // Still behind the bearer token.
  const anon = await full.request(`${BASE}/v1/status`, { method: "DELETE" });
  assert.equal(anon.status, 401);
  const statusFails = createApp({
    status: { status: () => Promise.reject(new FcpError("FCP-6003", "store timed out")) },
  }, { token: TOKEN });
  const timeout = await statusFails.app.request(`${BASE}/v1/status`, { headers: AUTH });
  assert.equal(timeout.status, 504);
  assert.equal((await errorBody(timeout)).code, "FCP-6003");
});

Deno.test("POST /v1/invoke validates the body shape and forwards the request", async () => {
  const { deps, invoked } = fullDeps();
  const { app } = createApp(deps, { token: TOKEN });
  const post = (body: string, headers: Record<string, string> = {}) =>
    app.request(`${BASE}/v1/invoke`, {
      method: "POST",
      headers: { ...AUTH, "content-type": "application/json", ...headers },
      body,
    });
  const bad: [string, string][] = [
    ["{not json", "FCP-1040"],
    ["[]", "FCP-1040"],
    [JSON.stringify({ connector: "fcp.fs", operation: "list", zone: "z:work" }), "FCP-1040"],
    [JSON.stringify({ connector: "fcp.fs", zone: "z:work", input: 1 }), "FCP-1040"],
    [JSON.stringify({ connector: 7, operation: "x", zone: "z:work", input: 1 }), "FCP-1040"],
    [
      JSON.stringify({ connector: "a", operation: "b", zone: "z:work", input: 1, extra: 1 }),
      "FCP-1040",
    ],
    [JSON.stringify({ connector: "a", operation: "b", zone: "work", input: 1 }), "FCP-4001"],
  ];
  for (const [body, code] of bad) {
    const res = await post(body);
    assert.equal(res.status, 400, body);
    assert.equal((await errorBody(res)).code, code, body);
  }
  assert.equal(invoked.length, 0);
  const res = await post(
    JSON.stringify({ connector: "fcp.fs", operation: "list", zone: "z:work", input: { p: "." } }),
    { "idempotency-key": "key-1" },
  );
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { ok: true, operation: "list" });
  assert.deepEqual(invoked, [{
    connector: "fcp.fs",
    operation: "list",
    zone: "z:work",
    input: { p: "." },
    idempotencyKey: "key-1",
  }]);
});

Deno.test("objects: put then get, zone and id checks, 404 for a missing object", async () => {
  const objects = memoryObjects();
  const { app } = createApp(fullDeps({ objects }).deps, { token: TOKEN });
  const body = new Uint8Array([1, 2, 3]);
  const put = await app.request(`${BASE}/v1/objects?zone=z:work`, {
    method: "PUT",
    headers: AUTH,
    body,
  });
  assert.equal(put.status, 201);
  const { object_id: id, size, created } = await put.json();
  assert.equal(size, 3);
  assert.equal(created, true);
  const again = await app.request(`${BASE}/v1/objects?zone=z:work`, {
    method: "POST",
    headers: AUTH,
    body,
  });
  assert.equal(again.status, 200);
  assert.equal((await again.json()).created, false);
  const got = await app.request(`${BASE}/v1/objects/${id}?zone=z:work`, { headers: AUTH });
  assert.equal(got.status, 200);
  assert.equal(got.headers.get("content-type"), "application/octet-stream");
  assert.deepEqual(new Uint8Array(await got.arrayBuffer()), body);
  const cases: [string, number, string][] = [
    [`/v1/objects/${id}?zone=z:private`, 404, "FCP-6001"],
    [`/v1/objects/${id}`, 400, "FCP-1040"],
    [`/v1/objects/${id}?zone=private`, 400, "FCP-4001"],
    [`/v1/objects/xyz?zone=z:work`, 400, "FCP-1040"],
  ];
  for (const [path, status, code] of cases) {
    const res = await app.request(BASE + path, { headers: AUTH });
    assert.equal(res.status, status, path);
    assert.equal((await errorBody(res)).code, code, path);
  }
  const noZone = await app.request(`${BASE}/v1/objects`, { method: "PUT", headers: AUTH, body });
  assert.equal(noZone.status, 400);
  assert.equal(objects.puts, 2);
});

Deno.test("a body over the limit is refused with 413 FCP-1041 before the service runs", async () => {
  const objects = memoryObjects();
  const { app } = createApp(fullDeps({ objects }).deps, { token: TOKEN, maxBodyBytes: 1024 });
  const ok = await app.request(`${BASE}/v1/objects?zone=z:work`, {
    method: "PUT",
    headers: AUTH,
    body: new Uint8Array(1024),
  });
  assert.equal(ok.status, 201);
  const big = await app.request(`${BASE}/v1/objects?zone=z:work`, {
    method: "PUT",
    headers: AUTH,
    body: new Uint8Array(1025),
  });
  assert.equal(big.status, 413);
  assert.equal((await errorBody(big)).code, "FCP-1041");
  // Without a Content-Length (a stream), the limit is enforced while reading.
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < 4; i++) c.enqueue(new Uint8Array(512));
      c.close();
    },
  });
  const streamed = await app.request(`${BASE}/v1/objects?zone=z:work`, {
    method: "PUT",
    headers: AUTH,
    body: stream,
  });
  assert.equal(streamed.status, 413);
  assert.equal(objects.puts, 1);
});

Deno.test("explain and audit tail: 404 for an unknown request, n is bounded", async () => {
  const { app } = createApp(fullDeps().deps, { token: TOKEN });
  const known = await app.request(`${BASE}/v1/explain/req-1`, { headers: AUTH });
  assert.deepEqual(await known.json(), { decision: "deny" });
  const unknown = await app.request(`${BASE}/v1/explain/req-2`, { headers: AUTH });
  assert.equal(unknown.status, 404);
  assert.equal((await errorBody(unknown)).code, "FCP-6001");
  const tail = await app.request(`${BASE}/v1/audit/tail?zone=z:work&n=2`, { headers: AUTH });
  assert.deepEqual(await tail.json(), {
    zone: "z:work",
    events: [{ seq: 0, zone: "z:work" }, { seq: 1, zone: "z:work" }],
  });
  for (const n of ["0", "1001", "-1", "1.5", "x"]) {
    const res = await app.request(`${BASE}/v1/audit/tail?zone=z:work&n=${n}`, { headers: AUTH });
    assert.equal(res.status, 400, n);
  }
  const connectors = await app.request(`${BASE}/v1/connectors`, { headers: AUTH });
  assert.equal((await connectors.json()).connectors[0].id, "fcp.fs");
});

function registeredRoutes(app: ReturnType<typeof createApp>["app"]): string[] {
  return app.routes
    .filter((r) => r.method !== "ALL" && r.path !== "/*")
    .map((r) => `${r.method} ${openApiPath(r.path)}`);
}

Deno.test("the OpenAPI document lists exactly the registered routes", async () => {
  for (const deps of [fullDeps().deps, { status: fullDeps().deps.status }]) {
    const { app, routes } = createApp(deps, { token: TOKEN, version: "9.9.9" });
    const res = await app.request(`${BASE}/v1/openapi.json`, { headers: AUTH });
    assert.equal(res.status, 200);
    const doc = await res.json();
    assert.equal(doc.openapi, "3.1.0");
    assert.equal(doc.info.version, "9.9.9");
    const documented: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths as Record<string, object>)) {
      for (const method of Object.keys(ops)) documented.push(`${method.toUpperCase()} ${path}`);
    }
    const registered = registeredRoutes(app);
    assert.ok(registered.length >= 2);
    assert.deepEqual([...documented].sort(), [...new Set(registered)].sort());
    assert.deepEqual([...routes].sort(), [...documented].sort());
    // Every $ref points at a defined component.
    const text = JSON.stringify(doc);
    for (const m of text.matchAll(/"\$ref":"#\/components\/(\w+)\/(\w+)"/g)) {
      assert.ok(doc.components[m[1]!][m[2]!] !== undefined, m[0]);
    }
  }
});

Deno.test("routes of absent services do not exist (404), only status and openapi do", async () => {
  const { app, routes } = createApp({ status: fullDeps().deps.status }, { token: TOKEN });
  assert.deepEqual(routes, ["GET /v1/openapi.json", "GET /v1/status"]);
  const absent: [string, string][] = [
    ["GET", "/v1/connectors"],
    ["POST", "/v1/invoke"],
    ["GET", "/v1/explain/x"],
    ["GET", "/v1/audit/tail?zone=z:work"],
    ["PUT", "/v1/objects?zone=z:work"],
    ["GET", `/v1/objects/${"ab".repeat(32)}?zone=z:work`],
  ];
  for (const [method, path] of absent) {
    const res = await app.request(BASE + path, { method, headers: AUTH });
    assert.equal(res.status, 404, `${method} ${path}`);
    assert.equal((await errorBody(res)).code, "FCP-6001");
  }
});

Deno.test("connector routes check their bodies and path ids before the host sees them", async () => {
  const { app } = createApp(fullDeps().deps, { token: TOKEN });
  const post = (path: string, body: unknown) =>
    app.request(BASE + path, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  const ok = await post("/v1/connectors/fcp.fs/activate", {
    zone: "z:work",
    grant_read: ["/data"],
    allow_hosts: ["api.example.com:443"],
  });
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), {
    id: "fcp.fs",
    zone: "z:work",
    read: ["/data"],
    hosts: ["api.example.com:443"],
  });
  assert.equal(
    (await errorBody(await post("/v1/connectors/fcp.fs/activate", {}))).code,
    "FCP-1040",
  );
  assert.equal(
    (await errorBody(await post("/v1/connectors/fcp.fs/activate", { zone: "Z:BAD" }))).code,
    "FCP-4001",
  );
  assert.equal(
    (await errorBody(
      await post("/v1/connectors/fcp.fs/activate", { zone: "z:work", grant_read: "/x" }),
    ))
      .code,
    "FCP-1040",
  );
  assert.equal(
    (await errorBody(await post("/v1/connectors/fcp.fs/activate", { zone: "z:work", config: [1] })))
      .code,
    "FCP-1040",
  );
  assert.equal(
    (await errorBody(await post("/v1/connectors/Bad%20Id/activate", { zone: "z:work" }))).code,
    "FCP-4007",
  );
  assert.equal(
    (await errorBody(await post("/v1/connectors/install", "not json"))).code,
    "FCP-1040",
  );
  assert.equal((await errorBody(await post("/v1/connectors/install", {}))).code, "FCP-1040");
  const inst = await post("/v1/connectors/install", { source: "fcp.http" });
  assert.deepEqual(await inst.json(), { id: "fcp.http", created: true });
  const off = await post("/v1/connectors/fcp.fs/deactivate", { zone: "z:work" });
  assert.equal((await off.json()).desired, "inactive");
  const health = await app.request(BASE + "/v1/connectors/fcp.fs/health", {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  assert.equal((await health.json()).instances[0].health, "ok");
});
