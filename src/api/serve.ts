/**
 * Serving the LocalAPI over HTTP with `Deno.serve`, on loopback addresses only: the API is a
 * local control surface guarded by a bearer token and a `Host` check, and is never exposed to a
 * network (docs/api.md "Listening").
 *
 * @module
 */
import { FcpError } from "../core/mod.ts";

/** The default LocalAPI port. */
export const DEFAULT_API_PORT = 7878;

/** The default bind address. */
export const DEFAULT_API_HOSTNAME = "127.0.0.1";

/**
 * Whether an address is a loopback IP literal (`127.0.0.0/8` or `::1`) or `localhost`.
 *
 * @example
 * ```ts
 * import { isLoopbackAddress } from "./serve.ts";
 * import assert from "node:assert/strict";
 * assert.ok(isLoopbackAddress("127.0.0.1"));
 * assert.ok(isLoopbackAddress("127.3.2.1"));
 * assert.ok(isLoopbackAddress("::1"));
 * assert.ok(!isLoopbackAddress("0.0.0.0"));
 * assert.ok(!isLoopbackAddress("192.168.1.2"));
 * ```
 */
export function isLoopbackAddress(hostname: string): boolean {
  if (hostname === "::1" || hostname === "[::1]" || hostname === "localhost") return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(hostname);
  return m !== null && m.slice(1).every((p) => Number(p) <= 255);
}

/** Options of {@link serveLocalApi}. */
export interface ServeOptions {
  /** Loopback address to bind (default `127.0.0.1`). */
  readonly hostname?: string;
  /** Port (default 7878; 0 picks a free one). */
  readonly port?: number;
}

/** A listening LocalAPI server. */
export interface LocalApiServer {
  /** The bound address. */
  readonly hostname: string;
  /** The bound port (the real one when 0 was asked). */
  readonly port: number;
  /** Stop accepting connections and wait for requests in flight. Idempotent. */
  shutdown(): Promise<void>;
}

/**
 * Serve a fetch handler on a loopback address. A non-loopback `hostname` is refused with
 * `FCP-1040`; a port in use is `FCP-9002`.
 *
 * @example
 * ```ts
 * import { serveLocalApi } from "./serve.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const server = serveLocalApi(() => new Response("hi"), { port: 0 });
 * const res = await fetch(`http://127.0.0.1:${server.port}/`);
 * assert.equal(await res.text(), "hi");
 * await server.shutdown();
 * assert.throws(() => serveLocalApi(() => new Response(), { hostname: "0.0.0.0" }),
 *   (e) => isFcpError(e, "FCP-1040"));
 * ```
 */
export function serveLocalApi(
  handler: (req: Request) => Response | Promise<Response>,
  opts: ServeOptions = {},
): LocalApiServer {
  const hostname = opts.hostname ?? DEFAULT_API_HOSTNAME;
  if (!isLoopbackAddress(hostname)) {
    throw new FcpError(
      "FCP-1040",
      `the LocalAPI listens on loopback addresses only (127.0.0.0/8, ::1), not ${hostname}`,
    );
  }
  const port = opts.port ?? DEFAULT_API_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new FcpError("FCP-1040", "the port must be an integer from 0 to 65535");
  }
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({ hostname, port, onListen: () => {} }, handler);
  } catch (e) {
    const why = e instanceof Deno.errors.AddrInUse ? `port ${port} is in use` : "cannot listen";
    throw new FcpError("FCP-9002", `${why} on ${hostname}:${port}`, { cause: e });
  }
  let stopping: Promise<void> | undefined;
  return {
    hostname: server.addr.hostname,
    port: server.addr.port,
    shutdown: () => stopping ??= server.shutdown(),
  };
}
