/**
 * The egress guard's in-process pinning tunnel (spec §7.3 evaluation step 8: "connect to a
 * resolved IP (not the hostname)").
 *
 * A SOCKS5 server (RFC 1928, CONNECT only) on `127.0.0.1:<ephemeral>` that accepts only
 * username/password authentication (RFC 1929) with a one-time ticket the guard issued for
 * one request. A ticket names the allowed `host:port` and the vetted addresses; the tunnel
 * ignores DNS entirely and dials only those addresses, so `fetch` (given
 * `proxy: { url: "socks5h://127.0.0.1:P", basicAuth: ticket }`) sends its request, and for
 * https its TLS handshake with SNI and certificate checks for the host name, over a socket
 * to the vetted IP. A client without a valid ticket, with a used ticket, or asking for
 * another host:port gets a SOCKS failure and is disconnected.
 *
 * @module
 */
import { equalBytes, FcpError, fromUtf8, utf8 } from "../core/mod.ts";
import { formatIpAddress, parseIpAddress } from "./egress_address.ts";

/** How a ticket's connection attempt ended (read by the guard to classify fetch errors). */
export type TunnelOutcome =
  | { readonly kind: "pending" }
  | { readonly kind: "connected"; readonly address: string }
  | { readonly kind: "refused"; readonly reason: string }
  | { readonly kind: "timeout"; readonly reason: string }
  | { readonly kind: "unreachable"; readonly reason: string };

/** What a ticket allows. */
export interface TunnelTarget {
  /** Canonical host as in the URL (`api.example.com`, `[::1]`, `10.0.0.1`). */
  readonly host: string;
  /** Port. */
  readonly port: number;
  /** Vetted addresses to dial, in order. */
  readonly addresses: readonly string[];
  /** Connect budget for all attempts together, ms. */
  readonly connectTimeoutMs: number;
  /** Aborts the attempt (the request's signal). */
  readonly signal?: AbortSignal;
}

/** A one-time ticket. */
export interface TunnelTicket {
  /** SOCKS username. */
  readonly username: string;
  /** SOCKS password. */
  readonly password: string;
  /** The current outcome. */
  outcome(): TunnelOutcome;
  /** Forget the ticket (unused tickets stop working). */
  revoke(): void;
}

interface TicketState {
  readonly target: TunnelTarget;
  readonly password: Uint8Array;
  used: boolean;
  outcome: TunnelOutcome;
}

const HANDSHAKE_TIMEOUT_MS = 10_000;

/** Buffered exact reads over a connection. */
class Reader {
  #buf = new Uint8Array(0);
  constructor(private readonly conn: Deno.Conn) {}

  async exact(n: number): Promise<Uint8Array> {
    while (this.#buf.length < n) {
      const chunk = new Uint8Array(4096);
      const got = await this.conn.read(chunk);
      if (got === null) throw new Error("eof");
      const next = new Uint8Array(this.#buf.length + got);
      next.set(this.#buf);
      next.set(chunk.subarray(0, got), this.#buf.length);
      this.#buf = next;
    }
    const out = this.#buf.slice(0, n);
    this.#buf = this.#buf.slice(n);
    return out;
  }

  rest(): Uint8Array {
    const r = this.#buf;
    this.#buf = new Uint8Array(0);
    return r;
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await conn.write(bytes.subarray(off));
}

function randomToken(bytes: number): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(bytes)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}

/** The SOCKS5 reply with a zero bound address. */
function reply(code: number): Uint8Array {
  return new Uint8Array([5, code, 0, 1, 0, 0, 0, 0, 0, 0]);
}

function sameHost(requested: string, allowed: string): boolean {
  if (requested === allowed) return true;
  const a = parseIpAddress(requested);
  const b = parseIpAddress(allowed);
  return a !== undefined && b !== undefined && a.family === b.family &&
    equalBytes(a.bytes, b.bytes);
}

/**
 * The tunnel server. Start it with {@link EgressTunnel.start}, issue a ticket per request,
 * {@link EgressTunnel.close} when done (closes every connection and waits for them).
 */
export class EgressTunnel {
  readonly #listener: Deno.TcpListener;
  readonly #tickets = new Map<string, TicketState>();
  readonly #conns = new Set<Deno.Conn>();
  readonly #tasks = new Set<Promise<void>>();
  readonly #loop: Promise<void>;
  #closed = false;

  private constructor(listener: Deno.TcpListener) {
    this.#listener = listener;
    this.#loop = this.#acceptLoop();
  }

  /** Listen on `127.0.0.1:0`. */
  static start(): EgressTunnel {
    return new EgressTunnel(Deno.listen({ hostname: "127.0.0.1", port: 0 }));
  }

  /** The listening port. */
  get port(): number {
    return this.#listener.addr.port;
  }

  /** Issue a one-time ticket for `target`. */
  issue(target: TunnelTarget): TunnelTicket {
    if (this.#closed) throw new FcpError("FCP-9001", "egress tunnel is closed");
    const username = randomToken(16);
    const password = randomToken(32);
    const state: TicketState = {
      target,
      password: utf8(password),
      used: false,
      outcome: { kind: "pending" },
    };
    this.#tickets.set(username, state);
    return {
      username,
      password,
      outcome: () => state.outcome,
      revoke: () => {
        this.#tickets.delete(username);
      },
    };
  }

  async #acceptLoop(): Promise<void> {
    while (!this.#closed) {
      let conn: Deno.Conn;
      try {
        conn = await this.#listener.accept();
      } catch {
        return;
      }
      if (this.#closed) {
        conn.close();
        return;
      }
      this.#track(conn);
      const task = this.#serve(conn).catch(() => {}).finally(() => {
        this.#untrack(conn);
        this.#tasks.delete(task);
      });
      this.#tasks.add(task);
    }
  }

  #track(conn: Deno.Conn): void {
    this.#conns.add(conn);
  }

  #untrack(conn: Deno.Conn): void {
    if (this.#conns.delete(conn)) {
      try {
        conn.close();
      } catch { /* already closed */ }
    }
  }

  /** One client: handshake, then pipe to the vetted address. */
  async #serve(client: Deno.Conn): Promise<void> {
    const r = new Reader(client);
    const timer = setTimeout(() => this.#untrack(client), HANDSHAKE_TIMEOUT_MS);
    let state: TicketState | undefined;
    try {
      // RFC 1928 §3: VER NMETHODS METHODS; we offer only 0x02 username/password.
      const [ver, nMethods] = await r.exact(2);
      const methods = await r.exact(nMethods!);
      if (ver !== 5 || !methods.includes(2)) {
        await writeAll(client, new Uint8Array([5, 0xff]));
        return;
      }
      await writeAll(client, new Uint8Array([5, 2]));
      // RFC 1929 §2: VER ULEN UNAME PLEN PASSWD.
      const [authVer, uLen] = await r.exact(2);
      const user = fromUtf8(await r.exact(uLen!));
      const [pLen] = await r.exact(1);
      const pass = await r.exact(pLen!);
      state = authVer === 1 ? this.#tickets.get(user) : undefined;
      if (state === undefined || state.used || !equalBytes(pass, state.password)) {
        if (state !== undefined && !state.used) {
          state.outcome = { kind: "refused", reason: "tunnel authentication failed" };
        }
        await writeAll(client, new Uint8Array([1, 1]));
        return;
      }
      state.used = true; // one-time
      this.#tickets.delete(user);
      await writeAll(client, new Uint8Array([1, 0]));
      // RFC 1928 §4: VER CMD RSV ATYP DST.ADDR DST.PORT.
      const [rver, cmd, , atyp] = await r.exact(4);
      let host: string;
      if (atyp === 1) host = formatIpAddress({ family: 4, bytes: await r.exact(4) });
      else if (atyp === 4) host = `[${formatIpAddress({ family: 6, bytes: await r.exact(16) })}]`;
      else if (atyp === 3) host = fromUtf8(await r.exact((await r.exact(1))[0]!)).toLowerCase();
      else host = "";
      const pb = await r.exact(2);
      const port = (pb[0]! << 8) | pb[1]!;
      const t = state.target;
      if (rver !== 5 || cmd !== 1) {
        state.outcome = { kind: "refused", reason: "tunnel supports CONNECT only" };
        await writeAll(client, reply(7));
        return;
      }
      if (!sameHost(host, t.host) || port !== t.port) {
        state.outcome = {
          kind: "refused",
          reason: `tunnel ticket is for ${t.host}:${t.port}, not ${host}:${port}`,
        };
        await writeAll(client, reply(2));
        return;
      }
      clearTimeout(timer);
      const upstream = await this.#dial(state);
      if (upstream === undefined) {
        await writeAll(client, reply(state.outcome.kind === "timeout" ? 6 : 5)).catch(() => {});
        return;
      }
      this.#track(upstream);
      try {
        if (this.#closed) return;
        await writeAll(client, reply(0));
        const early = r.rest();
        if (early.length > 0) await writeAll(upstream, early);
        await this.#pipe(client, upstream);
      } finally {
        this.#untrack(upstream);
      }
    } catch (e) {
      if (state !== undefined && state.outcome.kind === "pending") {
        state.outcome = { kind: "refused", reason: `tunnel handshake failed: ${String(e)}` };
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** Dial the vetted addresses in order within the connect budget (spec §7.3 `connect_timeout_ms`). */
  async #dial(state: TicketState): Promise<Deno.Conn | undefined> {
    const t = state.target;
    const budget = new AbortController();
    const timer = setTimeout(
      () => budget.abort(new Error("connect timeout")),
      t.connectTimeoutMs,
    );
    const signal = t.signal === undefined
      ? budget.signal
      : AbortSignal.any([budget.signal, t.signal]);
    const errors: string[] = [];
    try {
      for (const address of t.addresses) {
        if (signal.aborted) break;
        try {
          const hostname = address.startsWith("[") ? address.slice(1, -1) : address;
          const conn = await Deno.connect({ hostname, port: t.port, signal });
          if (signal.aborted || this.#closed) {
            conn.close();
            break;
          }
          state.outcome = { kind: "connected", address };
          return conn;
        } catch (e) {
          errors.push(`${address}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    } finally {
      clearTimeout(timer);
    }
    if (budget.signal.aborted) {
      state.outcome = {
        kind: "timeout",
        reason: `connecting to ${t.host}:${t.port} timed out after ${t.connectTimeoutMs} ms`,
      };
    } else {
      state.outcome = {
        kind: "unreachable",
        reason: `could not connect to ${t.host}:${t.port} (${errors.join("; ") || "aborted"})`,
      };
    }
    return undefined;
  }

  /** Copy both ways; a side's EOF half-closes the other; any error closes both. */
  async #pipe(a: Deno.Conn, b: Deno.Conn): Promise<void> {
    const pump = async (from: Deno.Conn, to: Deno.Conn) => {
      const buf = new Uint8Array(16 * 1024);
      while (true) {
        const n = await from.read(buf);
        if (n === null) break;
        await writeAll(to, buf.subarray(0, n));
      }
      await to.closeWrite().catch(() => {});
    };
    try {
      await Promise.all([pump(a, b), pump(b, a)]);
    } catch {
      this.#untrack(a);
      this.#untrack(b);
    }
  }

  /** Stop listening, close every connection, wait for the handlers. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#tickets.clear();
    try {
      this.#listener.close();
    } catch { /* already closed */ }
    for (const c of [...this.#conns]) this.#untrack(c);
    await this.#loop;
    await Promise.all([...this.#tasks]);
  }
}
