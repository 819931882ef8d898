/**
 * The `fcp.fs` worker entry: the connector served over the host protocol inside its sandboxed
 * Worker (connectors/_sdk/worker_runtime.ts).
 *
 * @module
 */
import def from "./operations.ts";
import { serveConnector } from "../_sdk/worker_runtime.ts";

serveConnector(def);
