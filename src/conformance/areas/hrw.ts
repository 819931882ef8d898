/**
 * Conformance checks for `hrw.json` (WIRE.md §11).
 *
 * @module
 */
import { hrwRank, hrwScore } from "../../model/mod.ts";
import { expectEqual, str } from "../check.ts";
import type { AreaHandler } from "../types.ts";

/** Handler for the `hrw` area. */
export const handler: AreaHandler = {
  area: "hrw",
  kinds: {
    hrw_checkpoint_ranking(v) {
      const zone = str(v.inputs, "zone_id");
      const epoch = str(v.inputs, "epoch_id");
      const nodes = v.inputs.nodes;
      if (!Array.isArray(nodes)) throw new TypeError("nodes must be a list");
      const names = nodes.map(String);
      const scores: Record<string, string> = {};
      for (const n of names) scores[n] = hrwScore(zone, epoch, n).toString();
      expectEqual(v, "scores", scores);
      const ranking = hrwRank(zone, epoch, names);
      expectEqual(v, "ranking", ranking);
      expectEqual(v, "coordinator", ranking[0]);
    },
  },
};
