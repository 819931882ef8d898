/**
 * The embedded symbol store and admission control.
 *
 * @module
 */
export {};
