/**
 * What the LocalAPI needs from the rest of the node, as interfaces injected into
 * {@link createApp} (see `app.ts`). The node runtime provides the status; the store's object
 * pipeline, the connector host, the invoke pipeline, decision receipts and the audit chain
 * implement the optional services. A route whose service is absent is not registered (404), so
 * nothing pretends to work.
 *
 * @module
 */
import type { ObjectId, ZoneId } from "../model/mod.ts";

/** A JSON value as the API sends and receives it. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/** The body of `GET /v1/status`. */
export interface NodeStatus {
  /** Always `"running"` while the API answers. */
  readonly state: "running";
  /** This node's id. */
  readonly "node_id": string;
  /** fcp version. */
  readonly version: string;
  /** Process id of the node. */
  readonly pid: number;
  /** Start time, Unix seconds. */
  readonly "started_at": number;
  /** Seconds since start. */
  readonly "uptime_secs": number;
  /** The address the LocalAPI listens on. */
  readonly listen: { readonly hostname: string; readonly port: number };
  /** Zones this node holds keys for. */
  readonly zones: readonly string[];
  /** The store in use and its object count. */
  readonly store: { readonly kind: string; readonly objects?: number };
  /** Routes registered beyond the base ones (e.g. `connectors`, `invoke`). */
  readonly services: readonly string[];
}

/** Supplies `GET /v1/status`. */
export interface StatusProvider {
  /** The current status. */
  status(): Promise<NodeStatus>;
}

/** What `PUT /v1/objects` returns. */
export interface PutObjectResult {
  /** The object's id (64 hex). */
  readonly "object_id": string;
  /** The zone it was stored in. */
  readonly zone: string;
  /** Its length in bytes. */
  readonly size: number;
  /** False when the same object was already stored. */
  readonly created: boolean;
}

/** The object pipeline behind `PUT /v1/objects` and `GET /v1/objects/{id}`. */
export interface ObjectService {
  /** Store `body` as an object of `zone` (sealed and encoded by the store). */
  put(zone: ZoneId, body: Uint8Array): Promise<PutObjectResult>;
  /** The object's bytes, or `undefined` when this zone holds no such object. */
  get(zone: ZoneId, id: ObjectId): Promise<Uint8Array | undefined>;
}

/** One connector as `GET /v1/connectors` lists it. */
export interface ConnectorSummary {
  /** Connector id, e.g. `fcp.fs`. */
  readonly id: string;
  /** Its version. */
  readonly version: string;
  /** `installed`, `active`, ... as the connector host names its states. */
  readonly state: string;
  /** Last health report (`ok`, `degraded`, `failed`, `unknown`). */
  readonly health: string;
  /** Zones it is bound to. */
  readonly zones: readonly string[];
  /** Package ObjectId (hex), when the host reports it. */
  readonly "package_id"?: string;
  /** `builtin` or `path`. */
  readonly source?: string;
  /** Its instances (one per zone), as the host reports them. */
  readonly instances?: readonly { [key: string]: JsonValue }[];
}

/** The body of `POST /v1/connectors/{id}/activate`. */
export interface ActivateRequest {
  /** The zone to bind the instance to. */
  readonly zone: ZoneId;
  /** Readable directories (absolute). */
  readonly grantRead?: readonly string[];
  /** Writable directories (absolute). */
  readonly grantWrite?: readonly string[];
  /** Extra `host:port` entries. */
  readonly allowHosts?: readonly string[];
  /** `configure` values. */
  readonly config?: { [key: string]: JsonValue };
}

/** The connector host behind `/v1/connectors...`. Only `list` is required. */
export interface ConnectorService {
  /** Installed connectors. */
  list(): Promise<readonly ConnectorSummary[]>;
  /** Install a shipped connector by id, or a folder by path. */
  install?(source: string): Promise<{ [key: string]: JsonValue }>;
  /** Bind to a zone and start. */
  activate?(id: string, req: ActivateRequest): Promise<{ [key: string]: JsonValue }>;
  /** Stop an instance. */
  deactivate?(id: string, zone: ZoneId): Promise<{ [key: string]: JsonValue }>;
  /** Health of a connector's instances. */
  health?(id: string): Promise<readonly { [key: string]: JsonValue }[]>;
}

/** The body of `POST /v1/invoke` (validated for shape by the route). */
export interface InvokeRequest {
  /** Connector id. */
  readonly connector: string;
  /** Operation name. */
  readonly operation: string;
  /** Zone of the call. */
  readonly zone: ZoneId;
  /** Operation input (checked against the operation's schema by the pipeline). */
  readonly input: JsonValue;
  /** Capability token (as the invoke pipeline defines its text form). */
  readonly token?: string;
  /** Idempotency key: the same key returns the prior receipt. */
  readonly idempotencyKey?: string;
  /** Owner-signed ApprovalTokens, hex of their canonical CBOR. */
  readonly approvals?: readonly string[];
  /** Taint names of the input (e.g. `PUBLIC_INPUT`). */
  readonly inputTaint?: readonly string[];
  /** Zone the input came from. */
  readonly inputOriginZone?: ZoneId;
}

/** The invoke pipeline behind `POST /v1/invoke`. Denials throw `FcpError`s. */
export interface InvokeService {
  /** Run one invoke; returns the operation receipt as JSON. */
  invoke(request: InvokeRequest): Promise<{ [key: string]: JsonValue }>;
}

/** Decision receipts behind `GET /v1/explain/{id}`. */
export interface ExplainService {
  /** Why a request was decided as it was, or `undefined` for an unknown request id. */
  explain(requestId: string): Promise<{ [key: string]: JsonValue } | undefined>;
}

/** The audit chain behind `GET /v1/audit/tail`. */
export interface AuditService {
  /** The last `n` events of a zone, oldest first, as JSON. */
  tail(zone: ZoneId, n: number): Promise<readonly { [key: string]: JsonValue }[]>;
}

/** Everything {@link createApp} can be given. Only `status` is required. */
export interface ApiDeps {
  /** `GET /v1/status`. */
  readonly status: StatusProvider;
  /** `PUT|POST /v1/objects`, `GET /v1/objects/{id}`. */
  readonly objects?: ObjectService;
  /** `GET /v1/connectors`. */
  readonly connectors?: ConnectorService;
  /** `POST /v1/invoke`. */
  readonly invoke?: InvokeService;
  /** `GET /v1/explain/{id}`. */
  readonly explain?: ExplainService;
  /** `GET /v1/audit/tail`. */
  readonly audit?: AuditService;
}
