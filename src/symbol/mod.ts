/**
 * Symbols (rank 3): RaptorQ objects (RFC 6330), chunking of large objects, and the FCPS/FCPC
 * framing of symbols and control messages.
 *
 * @module
 */
export {
  checkOti,
  DEFAULT_DECODE_TIMEOUT_MS,
  DEFAULT_REPAIR_BPS,
  DEFAULT_SYMBOL_SIZE,
  type DecodeLimits,
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
  objectTransmissionInfo,
  type ObjectTransmissionInfo,
  raptorqCodecStats,
  repairSymbolCount,
  sourceSymbolCount,
  SYMBOL_ALIGNMENT,
} from "./raptorq.ts";
export {
  buildChunkManifest,
  CHUNK_SIZE,
  checkChunkManifest,
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
