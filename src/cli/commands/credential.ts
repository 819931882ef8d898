/**
 * `fcp credential add | list | remove`: secrets the egress guard injects for connectors
 * (spec §7.3.1) — a connector names a credential id and never sees the secret. The secret is
 * read from standard input (or an environment variable), stored mode 0600 under
 * `FCP_HOME/credentials`, and never printed.
 *
 * @module
 */
import { fromUtf8 } from "../../core/mod.ts";
import { CredentialStore } from "../../host/mod.ts";
import type { CliCommand } from "../types.ts";
import { UsageError } from "../usage_error.ts";

/** `fcp credential add`. */
export const credentialAdd: CliCommand = {
  path: ["credential", "add"],
  summary: "Store a secret the egress guard injects for connectors (read from stdin)",
  usage:
    "fcp credential add ID --host H:P [--host H:P]... [--header NAME] [--scheme S] [--from-env VAR] [--json]",
  description: [
    "The secret comes from standard input (trailing newline removed) or --from-env VAR. It is",
    "injected as header NAME (default authorization) with the prefix S (default Bearer; use",
    "--scheme '' for none), only for the listed host:port entries, and only for operations",
    "whose manifest lists ID in credential_allow.",
  ].join("\n"),
  args: [{ name: "ID", description: "credential id, e.g. github" }],
  options: {
    host: { type: "string", multiple: true, valueName: "H:P", description: "allowed host:port" },
    header: { type: "string", valueName: "NAME", description: "header (default authorization)" },
    scheme: { type: "string", valueName: "S", description: "value prefix (default Bearer)" },
    "from-env": { type: "string", valueName: "VAR", description: "read the secret from VAR" },
  },
  async run(ctx) {
    const id = ctx.positionals[0]!;
    const hosts = ctx.strings("host");
    if (hosts.length === 0) throw new UsageError("--host is required (where it may be sent)");
    const env = ctx.string("from-env");
    let secret: string;
    if (env !== undefined) {
      secret = Deno.env.get(env) ?? "";
    } else {
      if (!ctx.io.readStdin) throw new UsageError("no standard input to read the secret from");
      secret = fromUtf8(await ctx.io.readStdin()).replace(/\r?\n$/, "");
    }
    if (secret === "") throw new UsageError("the secret is empty");
    const scheme = ctx.string("scheme") ?? "Bearer";
    const store = CredentialStore.open(ctx.home);
    await store.put({
      id,
      header: (ctx.string("header") ?? "authorization").toLowerCase(),
      ...(scheme === "" ? {} : { scheme }),
      hosts,
    }, secret);
    if (ctx.json) {
      ctx.printJson({ id, hosts, stored: true });
      return;
    }
    ctx.out(`stored credential ${id} for ${hosts.join(", ")}`);
  },
};

/** `fcp credential list`. */
export const credentialList: CliCommand = {
  path: ["credential", "list"],
  summary: "List stored credentials (never their secrets)",
  usage: "fcp credential list [--json]",
  async run(ctx) {
    const list = await CredentialStore.open(ctx.home).list();
    if (ctx.json) {
      ctx.printJson({ credentials: list });
      return;
    }
    if (list.length === 0) ctx.out("no credentials");
    for (const c of list) {
      ctx.out(`${c.id}  ${c.header}${c.scheme ? ` (${c.scheme})` : ""}  ${c.hosts.join(", ")}`);
    }
  },
};

/** `fcp credential remove`. */
export const credentialRemove: CliCommand = {
  path: ["credential", "remove"],
  summary: "Delete a stored credential",
  usage: "fcp credential remove ID [--json]",
  args: [{ name: "ID", description: "credential id" }],
  async run(ctx) {
    const id = ctx.positionals[0]!;
    const removed = await CredentialStore.open(ctx.home).remove(id);
    if (ctx.json) {
      ctx.printJson({ id, removed });
      return;
    }
    ctx.out(removed ? `removed ${id}` : `no credential ${id}`);
    if (!removed) return 1;
  },
};
