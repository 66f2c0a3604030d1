// exec over client-node's Exec (the WebSocket channel protocol), with captured and capped output, the exit
// code from the Status the API server sends at the end, a refused upgrade as the typed error its Status
// names, and the session bounded by a timeout and the caller's signal.

import type { ClientRequest, IncomingMessage } from 'node:http';
import { Writable } from 'node:stream';
import type { CliError } from '../errors.ts';
import { apiPath } from './api.ts';
import type { ExecOptions, ExecResult } from './client.ts';
import type { ClientContext } from './context.ts';
import { formatMs } from '../time/duration.ts';
import { errorForAbort, errorForNetwork, errorForStatus, RequestTimeoutError, type ApiStatus } from './errors.ts';
import { setLongTimeout } from '../time/timers.ts';
import type { HeaderValues, TraceHandle } from './verbose.ts';

type WebSocket = InstanceType<ClientContext['WebSocket']>;

/** Collects up to `limit` bytes, then calls onLimit once. */
class CappedSink extends Writable {
  readonly chunks: Buffer[] = [];
  size = 0;
  overflow = false;
  private readonly limit: number;
  private readonly onLimit: () => void;
  constructor(limit: number, onLimit: () => void) {
    super();
    this.limit = limit;
    this.onLimit = onLimit;
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    const room = this.limit - this.size;
    if (room > 0) {
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      this.chunks.push(Buffer.from(part));
      this.size += part.length;
    }
    if (chunk.length > room && !this.overflow) {
      this.overflow = true;
      this.onLimit();
    }
    done();
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function exitCodeOf(status: ApiStatus | undefined): number | null {
  if (!status) return null;
  if (status.status === 'Success') return 0;
  if (status.reason === 'NonZeroExitCode') {
    const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
    const n = Number(cause?.message);
    return Number.isInteger(n) ? n : null;
  }
  return null;
}

/** -v=N: the upgrade request of an exec session, logged as kubectl logs it (GET, answered 101 Switching Protocols). */
function traceUpgrade(ctx: ClientContext, ws: WebSocket, uri: string, protocols: string[], wsOpts: object): TraceHandle | undefined {
  if (!ctx.trace) return undefined;
  const headers = { ...((wsOpts as { headers?: HeaderValues }).headers ?? {}), 'Sec-WebSocket-Protocol': protocols.join(', ') };
  const trace = ctx.trace.request('GET', uri.replace(/^ws/, 'http'), headers);
  ws.once('upgrade', (res: IncomingMessage) => trace.response(res.statusCode ?? 101, res.headers));
  ws.once('unexpected-response', (_req: ClientRequest, res: IncomingMessage) => trace.response(res.statusCode ?? 0, res.headers));
  ws.once('error', () => trace.failed());
  return trace;
}

/**
 * The streams client-node's handler closes when the server sends a v5 close-stream frame. Its default is the
 * process's own: it would end our stdout, and merely building it makes Node create process.stdin (for a
 * file, fs streams and readline with it). Exec's output goes to each session's sinks instead (they end with
 * the session's status), so a close frame has nothing of ours to close.
 */
const SESSION_STREAMS = {
  stdin: { pause: () => undefined },
  stdout: { end: () => undefined },
  stderr: { end: () => undefined },
} as unknown as ConstructorParameters<ClientContext['WebSocketHandler']>[2];

/** The WebSocket of one exec session; a refused upgrade keeps the API server's Status (403 naming the permission, 400 bad container). */
function execSocket(ctx: ClientContext, what: string, session: { socket?: WebSocket; statusError?: CliError }) {
  return new ctx.WebSocketHandler(
    ctx.kc,
    (uri: string, protocols: string[], wsOpts: object) => {
      // ws bounds the whole upgrade (connect, TLS, the server's answer) with one timer. No permessage-deflate
      // offer: the API server negotiates none (kubectl offers none), and without it ws never needs node:zlib.
      const ws = new ctx.WebSocket(uri, protocols, { ...wsOpts, handshakeTimeout: ctx.dialMs + ctx.tlsMs, perMessageDeflate: false });
      session.socket = ws;
      const trace = traceUpgrade(ctx, ws, uri, protocols, wsOpts);
      ws.on('unexpected-response', (req: ClientRequest, res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          trace?.body(Buffer.concat(chunks));
          let body: unknown = Buffer.concat(chunks).toString('utf8');
          try {
            body = JSON.parse(body as string);
          } catch {
            // keep the text
          }
          session.statusError = errorForStatus(what, res.statusCode ?? 0, body, ctx.server);
          ws.emit('error', session.statusError);
          req.destroy();
        });
      });
      return ws;
    },
    SESSION_STREAMS,
  );
}

/** Rejects when the timeout passes or the signal fires (closing the session); `cancel` disarms both. */
function bounds(o: ExecOptions, what: string, signal: AbortSignal | undefined, terminate: () => void) {
  const races: Promise<never>[] = [];
  let cancelTimer: (() => void) | undefined;
  let onAbort: (() => void) | undefined;
  if (o.timeoutMs > 0) {
    races.push(
      new Promise<never>((_, reject) => {
        // A long --request-timeout (up to Go's 2562047h) must not overflow setTimeout and fire at once.
        cancelTimer = setLongTimeout(() => {
          terminate();
          reject(new RequestTimeoutError(`${what}: timed out after ${formatMs(o.timeoutMs)}`));
        }, o.timeoutMs);
      }),
    );
  }
  if (signal) {
    races.push(
      new Promise<never>((_, reject) => {
        onAbort = () => {
          terminate();
          reject(errorForAbort(what, signal));
        };
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    );
  }
  const cancel = () => {
    cancelTimer?.();
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  };
  return { races, cancel };
}

export async function exec(ctx: ClientContext, o: ExecOptions, signal?: AbortSignal): Promise<ExecResult> {
  const what = `exec in pod ${o.namespace}/${o.pod} (container ${o.container})`;
  ctx.onRequest?.('EXEC', `${apiPath.pods(o.namespace)}/${o.pod}/exec ${o.command.join(' ')}`);
  if (signal?.aborted) throw errorForAbort(what, signal);
  const state: { socket?: WebSocket; statusError?: CliError } = {};
  const execApi = new ctx.Exec(ctx.kc, execSocket(ctx, what, state));
  let status: ApiStatus | undefined;
  let truncated = false;
  const stdout = new CappedSink(o.maxBytes, () => {
    truncated = true;
    state.socket?.close();
  });
  const stderr = new CappedSink(4096, () => undefined);

  const session = (async () => {
    let ws: WebSocket;
    try {
      ws = await execApi.exec(o.namespace, o.pod, o.container, o.command, stdout, stderr, null, false, (s) => {
        status = s;
        // The status is the session's last message (every byte of output came before it, on the same
        // connection): close the connection now, as kubectl does (client-go closes it without a close
        // handshake). Waiting for the server's close frame and the TCP end held each --concurrency slot a
        // round trip longer, and ws then ended its stream twice (an error object built and dropped per exec).
        state.socket?.terminate();
      });
    } catch (err) {
      if (state.statusError) throw state.statusError;
      const inner = (err as { error?: unknown })?.error ?? err;
      throw errorForNetwork(what, inner, ctx.server);
    }
    if (ws.readyState !== ctx.WebSocket.CLOSED) await new Promise<void>((resolve) => ws.once('close', () => resolve()));
  })();
  const { races, cancel } = bounds(o, what, signal, () => state.socket?.terminate());
  session.catch(() => undefined); // when the timeout or the signal wins the race, the session's end is moot
  try {
    await Promise.race([session, ...races]);
  } finally {
    cancel();
  }
  return {
    stdout: stdout.bytes(),
    stderr: stderr.bytes(),
    truncated,
    exitCode: truncated ? null : exitCodeOf(status),
    ...(status ? { status } : {}),
  };
}
