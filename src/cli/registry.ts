/**
 * Every fcp subcommand, in help order. A new command is a file in `commands/` exporting
 * `command: CliCommand`, added here.
 *
 * @module
 */
import type { CliCommand } from "./types.ts";
import { command as version } from "./commands/version.ts";
import { command as cborDecode } from "./commands/cbor_decode.ts";
import { command as cborEncode } from "./commands/cbor_encode.ts";
import { command as vectorsVerify } from "./commands/vectors_verify.ts";
import { zoneList, zoneRotate } from "./commands/zone.ts";
import { zoneCross } from "./commands/zone_cross.ts";
import { command as init } from "./commands/init.ts";
import { command as id } from "./commands/id.ts";
import { tokenInspect, tokenMint, tokenVerify } from "./commands/token.ts";
import { revoke, revokeList } from "./commands/revoke.ts";
import { command as put } from "./commands/put.ts";
import { command as get } from "./commands/get.ts";
import { objectPin, objectStat, objectUnpin } from "./commands/object.ts";
import { storeGc, storeStats } from "./commands/store.ts";
import { benchMemoryCommand, benchRaptorqCommand } from "./commands/bench.ts";
import { nodeStart, nodeStatus } from "./commands/node.ts";
import { command as doctor } from "./commands/doctor.ts";
import { auditTail, auditVerify } from "./commands/audit.ts";
import { manifestFix, manifestLint } from "./commands/manifest.ts";
import {
  connectorActivate,
  connectorDeactivate,
  connectorDescribe,
  connectorHealth,
  connectorInstall,
  connectorList,
} from "./commands/connector.ts";
import { command as invoke } from "./commands/invoke.ts";
import { command as explain } from "./commands/explain.ts";
import { command as approve } from "./commands/approve.ts";
import { command as demo } from "./commands/demo.ts";
import {
  benchConnectorActivateCommand,
  benchConnectorMemoryCommand,
  benchInvokeLocalCommand,
} from "./commands/bench_node.ts";
import { policyAllow, policyDeny, policyReset, policyShow } from "./commands/policy.ts";
import { credentialAdd, credentialList, credentialRemove } from "./commands/credential.ts";

/**
 * The registered commands.
 *
 * @example
 * ```ts
 * import { COMMANDS } from "./registry.ts";
 * import assert from "node:assert/strict";
 * assert.ok(COMMANDS.some((c) => c.path.join(" ") === "vectors verify"));
 * ```
 */
export const COMMANDS: readonly CliCommand[] = [
  version,
  init,
  id,
  cborDecode,
  cborEncode,
  vectorsVerify,
  zoneList,
  zoneRotate,
  zoneCross,
  tokenMint,
  tokenVerify,
  tokenInspect,
  revoke,
  revokeList,
  put,
  get,
  objectStat,
  objectPin,
  objectUnpin,
  storeStats,
  storeGc,
  benchRaptorqCommand,
  benchMemoryCommand,
  nodeStart,
  nodeStatus,
  doctor,
  auditTail,
  auditVerify,
  manifestLint,
  manifestFix,
  connectorList,
  connectorInstall,
  connectorActivate,
  connectorDeactivate,
  connectorHealth,
  connectorDescribe,
  invoke,
  explain,
  approve,
  policyShow,
  policyAllow,
  policyDeny,
  policyReset,
  credentialAdd,
  credentialList,
  credentialRemove,
  demo,
  benchInvokeLocalCommand,
  benchConnectorActivateCommand,
  benchConnectorMemoryCommand,
];
