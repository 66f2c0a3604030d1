// What the API server needs from the simulated kubelet: exec into a container, read its logs, node stats.
// The API server owns the wire protocols (WebSocket channels, HTTP); the kubelet owns what commands do.

export interface ExecRequest {
  namespace: string;
  pod: string;
  /** Already resolved by the API server: the requested container, or the pod's first container. */
  container: string;
  command: string[];
  stdin?: AsyncIterable<Buffer>;
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
  /** Aborted when the client goes away or the request times out. */
  signal: AbortSignal;
}

export interface ExecResult {
  exitCode: number;
  /**
   * Set when the process could not be started at all (unknown binary, container not running); the API
   * server then sends a Status with reason InternalError and this message, as the kubelet does, e.g.
   * `OCI runtime exec failed: exec failed: unable to start container process: exec: "cat": executable file not found in $PATH: unknown`
   */
  startError?: string;
}

export interface LogRequest {
  namespace: string;
  pod: string;
  container: string;
  previous?: boolean;
  tailLines?: number;
  timestamps?: boolean;
}

export interface PodRuntime extends PodHttp {
  /** Throws an ApiError (status.ts) for a pod or container that cannot take an exec (400/404 as the API server answers). */
  exec(req: ExecRequest): Promise<ExecResult>;
  logs(req: LogRequest): Promise<string>;
  /** The kubelet's /stats/summary for a node (served at /api/v1/nodes/NAME/proxy/stats/summary). */
  statsSummary(node: string): Promise<unknown>;
}

export interface ProxyRequest {
  namespace: string;
  pod: string;
  port: number;
  method: string;
  /** Path and query after `/proxy`, starting with '/'. */
  path: string;
}

export interface ProxyResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** The kubelet answers HTTP sent to a pod's port (pods/proxy and services/proxy; the visits app counts these). */
export interface PodHttp {
  proxy(req: ProxyRequest): Promise<ProxyResponse>;
}
