/**
 * JSON Schemas (draft 2020-12) of the `fcp.fs` operations' inputs and outputs, for the manifest's
 * `input_schema` / `output_schema` (spec §11.1). The handlers in `operations.ts` enforce the same
 * rules again.
 *
 * @module
 */

/** A JSON Schema object. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** Default and largest `max_bytes` of `fs_read`. */
export const FS_READ_DEFAULT_MAX_BYTES = 1024 * 1024;
/** Largest `max_bytes` of `fs_read` and largest decoded `content` of `fs_write`. */
export const FS_MAX_BYTES = 16 * 1024 * 1024;
/** Default and largest `max_entries` of `fs_list`. */
export const FS_LIST_DEFAULT_MAX_ENTRIES = 1000;
/** Largest `max_entries` of `fs_list`. */
export const FS_LIST_MAX_ENTRIES = 10000;

const path: JsonSchema = {
  type: "string",
  minLength: 1,
  maxLength: 4096,
  description: "Absolute path inside a granted directory, or relative to the first granted " +
    "directory (the first read root for list/read, the first write root for write/delete). " +
    "`..` segments are refused.",
};

const entry: JsonSchema = {
  type: "object",
  required: ["name", "type", "size", "modified"],
  additionalProperties: false,
  properties: {
    name: { type: "string" },
    type: { enum: ["file", "directory", "symlink", "other"] },
    size: { type: "integer", minimum: 0 },
    modified: { type: ["string", "null"], description: "ISO 8601 modification time" },
  },
};

/**
 * Input and output schema of every `fcp.fs` operation, by operation id.
 *
 * @example
 * ```ts
 * import { FS_SCHEMAS } from "./schemas.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(Object.keys(FS_SCHEMAS), ["fs_list", "fs_read", "fs_write", "fs_delete"]);
 * assert.deepEqual(FS_SCHEMAS.fs_read.input.required, ["path"]);
 * ```
 */
export const FS_SCHEMAS = {
  fs_list: {
    input: {
      type: "object",
      required: ["path"],
      additionalProperties: false,
      properties: {
        path,
        include_hidden: { type: "boolean", default: true },
        max_entries: {
          type: "integer",
          minimum: 1,
          maximum: FS_LIST_MAX_ENTRIES,
          default: FS_LIST_DEFAULT_MAX_ENTRIES,
        },
      },
    },
    output: {
      type: "object",
      required: ["path", "entries", "truncated"],
      additionalProperties: false,
      properties: {
        path: { type: "string", description: "canonical (symlink-free) directory path" },
        entries: {
          type: "array",
          items: entry,
          description: "sorted by name; symlinks not followed",
        },
        truncated: { type: "boolean" },
      },
    },
  },
  fs_read: {
    input: {
      type: "object",
      required: ["path"],
      additionalProperties: false,
      properties: {
        path,
        encoding: { enum: ["utf8", "base64"], default: "utf8" },
        max_bytes: {
          type: "integer",
          minimum: 1,
          maximum: FS_MAX_BYTES,
          default: FS_READ_DEFAULT_MAX_BYTES,
        },
        truncate: {
          type: "boolean",
          default: false,
          description: "return the first max_bytes of a larger file instead of failing (FCP-6002)",
        },
      },
    },
    output: {
      type: "object",
      required: ["path", "size", "encoding", "content", "truncated"],
      additionalProperties: false,
      properties: {
        path: { type: "string" },
        size: { type: "integer", minimum: 0, description: "file size in bytes" },
        encoding: { enum: ["utf8", "base64"] },
        content: { type: "string" },
        truncated: { type: "boolean" },
      },
    },
  },
  fs_write: {
    input: {
      type: "object",
      required: ["path", "content"],
      additionalProperties: false,
      properties: {
        path,
        content: { type: "string" },
        encoding: { enum: ["utf8", "base64"], default: "utf8" },
        mode: {
          enum: ["create", "overwrite", "append"],
          default: "overwrite",
          description: "create: fail (FCP-6004) if the file exists; overwrite: create or " +
            "replace; append: create or append",
        },
        make_parents: { type: "boolean", default: false },
        file_mode: {
          type: "integer",
          minimum: 0,
          maximum: 511,
          default: 420,
          description: "permission bits of a newly created file (420 = 0o644)",
        },
      },
    },
    output: {
      type: "object",
      required: ["path", "bytes_written", "created"],
      additionalProperties: false,
      properties: {
        path: { type: "string" },
        bytes_written: { type: "integer", minimum: 0 },
        created: { type: "boolean" },
      },
    },
  },
  fs_delete: {
    input: {
      type: "object",
      required: ["path"],
      additionalProperties: false,
      properties: {
        path,
        recursive: {
          type: "boolean",
          default: false,
          description: "required to delete a directory (its whole tree, inside the root)",
        },
      },
    },
    output: {
      type: "object",
      required: ["path", "deleted", "type"],
      additionalProperties: false,
      properties: {
        path: { type: "string" },
        deleted: { const: true },
        type: { enum: ["file", "directory", "symlink", "other"] },
      },
    },
  },
} as const satisfies Record<string, { input: JsonSchema; output: JsonSchema }>;
