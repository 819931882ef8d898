/**
 * Symbols: RaptorQ objects, symbol envelopes, FCPS/FCPC framing, chunking.
 *
 * @module
 */
export {};
