/**
 * The fcp command line.
 *
 * @module
 */
export {};
