/**
 * Mesh: peer discovery, session handshake, symbol transport.
 *
 * @module
 */
export {};
