/**
 * The host-owned first module of every connector Worker (issue 5 §2 "Sandbox"). A connector's
 * own code (its `worker.ts`, and the `_sdk` copy its package ships) is not trusted to close the
 * worker's shared paths: a module could save `BroadcastChannel` or `fetch` before the SDK
 * replaced them. So the Worker's entry is a module the host writes, which imports the lockdown
 * below and only then the connector's entry. ES modules evaluate their imports in order, so
 * the lockdown has run before any connector module is evaluated. Both are `blob:` modules;
 * static imports need no read permission, so the connector's permissions stay the manifest's.
 *
 * The lockdown:
 * - makes `fetch`, `WebSocket`, `BroadcastChannel`, `caches`, web storage, `indexedDB` and
 *   `Deno.connect` / `connectTls` / `startTls` / `resolveDns` / `listen` / `listenTls` refuse
 *   with `Deno.errors.NotCapable` (`FCP-3009` through the SDK); writes to them are ignored, so
 *   an SDK that assigns its own replacements keeps working;
 * - keeps `Deno.memoryUsage` and the real `postMessage` to itself and stamps the `heap` of
 *   every `result` message the worker sends, so a connector cannot hide its heap from the
 *   host's limit by replacing either (a call under 5 ms may carry a sample up to 5 ms old);
 * - sets `globalThis[Symbol.for("fcp.lockdown")]`, so the SDK knows not to do it again.
 *
 * @module
 */

const LOCKDOWN_SOURCE = `
const g = globalThis;
const NotCapable = Deno.errors.NotCapable;
const refusing = (what) => function () {
  throw new NotCapable(what + " is not available to connectors; use ctx.fetch (the host's egress guard)");
};
const lock = (obj, name, value) => {
  try {
    Object.defineProperty(obj, name, { get: () => value, set: () => {}, configurable: false });
  } catch { /* fixed in this runtime: the Worker's permissions still apply */ }
};
lock(g, "fetch", () =>
  Promise.reject(new NotCapable("fetch is not available to connectors; use ctx.fetch (the host's egress guard)")));
lock(g, "WebSocket", refusing("WebSocket"));
lock(g, "BroadcastChannel", refusing("BroadcastChannel"));
for (const name of ["caches", "localStorage", "sessionStorage", "indexedDB"]) {
  try {
    Object.defineProperty(g, name, { get: refusing(name), set: () => {}, configurable: false });
  } catch { /* absent or fixed in this runtime */ }
}
for (const name of ["connect", "connectTls", "startTls", "resolveDns", "listen", "listenTls"]) {
  lock(Deno, name, refusing("Deno." + name));
}
const memoryUsage = Deno.memoryUsage.bind(Deno);
const now = performance.now.bind(performance);
let proto = g;
while (proto !== null && !Object.hasOwn(proto, "postMessage")) proto = Object.getPrototypeOf(proto);
const realPost = (proto ?? g).postMessage.bind(g);
const started = new Map();
g.addEventListener("message", (e) => {
  const m = e.data;
  if (m !== null && typeof m === "object" && m.t === "call" && typeof m.id === "number") {
    started.set(m.id, now());
  }
});
let sampledAt = -Infinity;
let sample = 0;
const heap = (startedAt) => {
  const t = now();
  const short = startedAt !== undefined && t - startedAt < 5;
  if (!short || t - sampledAt >= 5) {
    try { sample = memoryUsage().heapUsed; } catch { sample = 0; }
    sampledAt = t;
  }
  return sample;
};
const post = function (message, transfer) {
  if (message !== null && typeof message === "object" && message.t === "result") {
    const at = started.get(message.id);
    started.delete(message.id);
    message = { ...message, heap: heap(at) };
  }
  return transfer === undefined ? realPost(message) : realPost(message, transfer);
};
for (let o = g; o !== null; o = Object.getPrototypeOf(o)) {
  if (Object.hasOwn(o, "postMessage") || o === g) {
    try {
      Object.defineProperty(o, "postMessage", { value: post, writable: false, configurable: false });
    } catch { /* fixed in this runtime */ }
  }
}
Object.defineProperty(g, Symbol.for("fcp.lockdown"), { value: true, configurable: false });
`;

/** The two `blob:` URLs of a connector Worker's entry, and how to release them. */
export interface ConnectorBootstrap {
  /** The Worker's entry module: the lockdown, then the connector's entry. */
  readonly url: string;
  /** Release both blob URLs (once the worker has loaded, or failed to). */
  revoke(): void;
}

/**
 * The entry module of a Worker that runs the connector at `entryUrl` after the lockdown.
 *
 * @example
 * ```ts
 * import { connectorBootstrap } from "./_connector_bootstrap.ts";
 * import assert from "node:assert/strict";
 * const b = connectorBootstrap("file:///x/connectors/fs/worker.ts");
 * assert.ok(b.url.startsWith("blob:"));
 * b.revoke();
 * ```
 */
export function connectorBootstrap(entryUrl: string): ConnectorBootstrap {
  const blob = (src: string) => URL.createObjectURL(new Blob([src], { type: "text/javascript" }));
  const lockdown = blob(LOCKDOWN_SOURCE);
  const url = blob(`import ${JSON.stringify(lockdown)};\nimport ${JSON.stringify(entryUrl)};\n`);
  return {
    url,
    revoke() {
      URL.revokeObjectURL(url);
      URL.revokeObjectURL(lockdown);
    },
  };
}
