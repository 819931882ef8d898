/**
 * The Hono LocalAPI.
 *
 * @module
 */
export {};
