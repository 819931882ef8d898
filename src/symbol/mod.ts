/**
 * Symbols (rank 3): RaptorQ objects (RFC 6330), chunking of large objects, and the FCPS/FCPC
 * framing of symbols and control messages.
 *
 * @module
 */
export {
  checkOti,
  type CodecEngine,
  type DecodeLimits,
  DEFAULT_DECODE_TIMEOUT_MS,
  DEFAULT_REPAIR_BPS,
  DEFAULT_SYMBOL_SIZE,
  type EncodedObject,
  type EncodedSymbol,
  encodeObject,
  type EncodeObjectOptions,
  firstRepairEsi,
  MAX_CODEC_TRANSFER_LENGTH,
  MAX_ESI,
  MAX_REPAIR_BPS,
  MAX_SYMBOL_SIZE,
  MIN_SYMBOL_SIZE,
  ObjectDecoder,
  type ObjectTransmissionInfo,
  objectTransmissionInfo,
  raptorqCodecStats,
  repairSymbolCount,
  sourceSymbolCount,
  SYMBOL_ALIGNMENT,
} from "./raptorq.ts";
export {
  buildChunkManifest,
  checkChunkManifest,
  CHUNK_SIZE,
  type ChunkedObjectManifest,
  chunkLengthAt,
  chunkManifestFromCbor,
  chunkManifestToCbor,
  chunkObjectId,
  type ChunkPlan,
  MAX_CHUNK_THRESHOLD,
  MAX_OBJECT_SIZE,
  needsChunking,
  planChunks,
  reassemble,
  type ReassembleOptions,
  splitChunks,
  verifyChunkManifest,
} from "./chunking.ts";
export * from "./frame_flags.ts";
export * from "./fcps_frame.ts";
export * from "./replay_window.ts";
export * from "./fcps_datagram.ts";
export * from "./fcpc_frame.ts";
export * from "./session_crypto.ts";
export * from "./session_messages.ts";
export * from "./session_messages_auth.ts";
