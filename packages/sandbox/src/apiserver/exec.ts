// pods/exec over WebSocket with the channel protocols kubectl 1.34 and @kubernetes/client-node speak:
// v5.channel.k8s.io and v4.channel.k8s.io. Every message is one channel byte then data: 0 stdin, 1 stdout,
// 2 stderr, 3 the final Status as JSON, 4 terminal resize; v5 adds 255, a client's "close this channel".
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { R, resourceType } from '../resources.ts';
import type { PodRuntime } from '../runtime.ts';
import { ApiError, errors } from '../status.ts';
import type { FaultInjector } from './faults.ts';
import { resolveContainer } from './proxy.ts';
import type { ApiCore } from './rest.ts';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- objects of every kind, as the JSON they arrive as

export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;

const CH_STDIN = 0;
const CH_STDOUT = 1;
const CH_STDERR = 2;
const CH_ERROR = 3;
const CH_CLOSE = 255;

const truthy = (v: string | null) => v === 'true' || v === '1';

export interface ExecTarget {
  pod: Any;
  container: string;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** Checks an exec request as the API server does before it connects to the kubelet. */
export function resolveExecTarget(core: ApiCore, ns: string, name: string, q: URLSearchParams): ExecTarget {
  const pod = core.get(resourceType(R.pods), ns, name) as Any;
  const container = resolveContainer(pod, q.get('container'), false);
  const command = q.getAll('command');
  if (!command.length) throw errors.badRequest('you must specify at least 1 command');
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') {
    throw errors.badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
  }
  if (!pod.spec?.nodeName) throw errors.badRequest(`pod ${name} does not have a host assigned`);
  const tty = truthy(q.get('tty'));
  return {
    pod,
    container,
    command,
    stdin: truthy(q.get('stdin')),
    stdout: truthy(q.get('stdout')),
    stderr: truthy(q.get('stderr')) && !tty,
    tty,
  };
}

/** The Status sent on the error channel when the command ends. */
export function execStatus(command: string[], result: { exitCode: number; startError?: string }): unknown {
  if (result.startError) {
    return {
      metadata: {},
      status: 'Failure',
      message: `Internal error occurred: ${result.startError}`,
      reason: 'InternalError',
      details: { causes: [{ message: result.startError }] },
      code: 500,
    };
  }
  if (result.exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${result.exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(result.exitCode) }] },
  };
}

/** Stdin as an async iterable that ends when the client closes channel 0 (v5) or goes away. */
class StdinQueue implements AsyncIterable<Buffer> {
  private readonly chunks: Buffer[] = [];
  private ended = false;
  private wake: (() => void) | undefined;

  push(b: Buffer): void {
    if (this.ended) return;
    this.chunks.push(b);
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    for (;;) {
      const next = this.chunks.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((r) => (this.wake = r));
      this.wake = undefined;
    }
  }
}

const wss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  handleProtocols: (protocols) => {
    for (const p of EXEC_PROTOCOLS) if (protocols.has(p)) return p;
    return false;
  },
});

export interface ExecUpgrade {
  core: ApiCore;
  runtime: PodRuntime;
  faults: FaultInjector;
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  namespace: string;
  pod: string;
  query: URLSearchParams;
  fail(err: ApiError): void;
}

export function handleExecUpgrade(u: ExecUpgrade): void {
  let target: ExecTarget;
  try {
    target = resolveExecTarget(u.core, u.namespace, u.pod, u.query);
  } catch (err) {
    u.fail(err instanceof ApiError ? err : errors.internal(String(err)));
    return;
  }
  const offered = String(u.req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((s) => s.trim());
  if (!EXEC_PROTOCOLS.some((p) => offered.includes(p))) {
    u.fail(
      errors.badRequest(
        `unable to upgrade connection: none of the requested subprotocols [${offered.join(' ')}] are supported; supported: [${EXEC_PROTOCOLS.join(' ')}]`,
      ),
    );
    return;
  }
  wss.handleUpgrade(u.req, u.socket, u.head, (ws) => runSession(u, target, ws));
}

function runSession(u: ExecUpgrade, target: ExecTarget, ws: WebSocket): void {
  const abort = new AbortController();
  const stdin = new StdinQueue();
  let closed = false;
  const send = (channel: number, data: Buffer | string) => {
    if (closed || ws.readyState !== ws.OPEN) return;
    const payload = typeof data === 'string' ? Buffer.from(data) : data;
    ws.send(Buffer.concat([Buffer.from([channel]), payload]));
  };
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (!buf.length) return;
    void isBinary;
    const ch = buf[0];
    if (ch === CH_STDIN) stdin.push(buf.subarray(1));
    else if (ch === CH_CLOSE && buf[1] === CH_STDIN) stdin.end();
  });
  ws.on('close', () => {
    closed = true;
    stdin.end();
    abort.abort();
  });
  ws.on('error', () => {
    closed = true;
    abort.abort();
  });
  if (u.faults.takeExecHang()) return; // the session stays open and silent until the client gives up

  const finish = (status: unknown) => {
    send(CH_ERROR, JSON.stringify(status));
    if (!closed) ws.close(1000);
  };
  u.runtime
    .exec({
      namespace: u.namespace,
      pod: u.pod,
      container: target.container,
      command: target.command,
      ...(target.stdin ? { stdin } : {}),
      stdout: (b) => {
        if (target.stdout) send(CH_STDOUT, b);
      },
      stderr: (b) => {
        if (target.stderr) send(CH_STDERR, b);
        else if (target.tty && target.stdout) send(CH_STDOUT, b);
      },
      signal: abort.signal,
    })
    .then(
      (result) => finish(execStatus(target.command, result)),
      (err: unknown) => {
        const e = err instanceof ApiError ? err : errors.internal(err instanceof Error ? err.message : String(err));
        finish(e.toStatus());
      },
    );
}
