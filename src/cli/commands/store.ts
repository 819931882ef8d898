/**
 * `fcp store stats` and `fcp store gc` (issue 4 §3–§4): usage of the node's object store and
 * garbage collection by reachability from pins and zone roots, with tombstones.
 *
 * @module
 */
import { collectGarbage, type UsageCounters } from "../../store/mod.ts";
import type { CliCommand } from "../types.ts";
import { UsageError } from "../usage_error.ts";
import { nowSeconds, withObjectHome } from "./object.ts";

function usageJson(u: UsageCounters): Record<string, number> {
  return {
    objects: u.objects,
    symbols: u.symbols,
    bytes: u.bytes,
    quarantined_objects: u.quarantinedObjects,
    quarantined_bytes: u.quarantinedBytes,
  };
}

function mapValues<T>(
  rec: Readonly<Record<string, T>>,
  f: (v: T) => Record<string, number>,
): Record<string, Record<string, number>> {
  return Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, f(v)]));
}

/** `fcp store stats`. */
export const storeStats: CliCommand = {
  path: ["store", "stats"],
  summary: "Show the object store's usage: objects, symbols, bytes, per zone and peer, pins",
  usage: "fcp store stats [--json]",
  description: [
    "Totals of FCP_HOME/store/symbols.db: stored objects (chunks count as objects), sealed",
    "symbols, bytes charged (ciphertext + 16-byte tags), per zone and per source peer with",
    "the quarantined share, and the number of pins.",
  ].join("\n"),
  async run(ctx) {
    await withObjectHome(ctx.home, async ({ store, path }) => {
      const s = await store.stats();
      const pins = (await store.listPins()).length;
      if (ctx.json) {
        ctx.printJson({
          path,
          objects: s.objects,
          symbols: s.symbols,
          bytes: s.bytes,
          pins,
          by_zone: mapValues(s.byZone, usageJson),
          by_peer: mapValues(s.byPeer, usageJson),
        });
        return;
      }
      ctx.out(`store    ${path}`);
      ctx.out(`objects  ${s.objects}`);
      ctx.out(`symbols  ${s.symbols}`);
      ctx.out(`bytes    ${s.bytes}`);
      ctx.out(`pins     ${pins}`);
      for (const [zone, u] of Object.entries(s.byZone)) {
        ctx.out(
          `zone ${zone}: ${u.objects} objects, ${u.bytes} bytes` +
            (u.quarantinedObjects > 0 ? ` (${u.quarantinedObjects} quarantined)` : ""),
        );
      }
    });
  },
};

/** `fcp store gc`. */
export const storeGc: CliCommand = {
  path: ["store", "gc"],
  summary: "Delete objects not reachable from a pin or zone root (with tombstones)",
  usage: "fcp store gc [--dry-run] [--min-age SECONDS] [--json]",
  description: [
    "Marks every object reachable from a pin, a zone root or a live request (following",
    "same-zone refs, e.g. a chunk manifest's chunks), then deletes unreachable objects older",
    "than --min-age seconds (default 600, so a put in progress is not collected) and expired",
    "quarantined ones, each with a tombstone that refuses re-admission for a day. --dry-run",
    "only reports. --json prints {deleted, bytes_freed, kept, by_reason, tombstones_purged}.",
  ].join("\n"),
  options: {
    "dry-run": { type: "boolean", description: "report what would be deleted, delete nothing" },
    "min-age": {
      type: "string",
      valueName: "SECONDS",
      description: "keep unreachable objects younger than this (default 600)",
    },
  },
  async run(ctx) {
    const minAgeText = ctx.string("min-age");
    if (minAgeText !== undefined && !/^\d{1,9}$/.test(minAgeText)) {
      throw new UsageError("--min-age must be a whole number of seconds");
    }
    await withObjectHome(ctx.home, async ({ store }) => {
      const r = await collectGarbage(store, {
        now: nowSeconds(),
        dryRun: ctx.flag("dry-run"),
        ...(minAgeText === undefined ? {} : { minAgeSecs: Number(minAgeText) }),
      });
      if (ctx.json) {
        ctx.printJson({
          deleted: r.deleted,
          bytes_freed: r.bytesFreed,
          kept: r.kept,
          by_reason: r.byReason,
          tombstones_purged: r.tombstonesPurged,
          dry_run: ctx.flag("dry-run"),
        });
        return;
      }
      ctx.out(
        `${ctx.flag("dry-run") ? "would delete" : "deleted"} ${r.deleted} object(s), ` +
          `${r.bytesFreed} bytes; kept ${r.kept}`,
      );
    });
  },
};
