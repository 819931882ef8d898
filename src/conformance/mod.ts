/**
 * The interop vector loader and conformance runner.
 *
 * @module
 */
export {};
