// kubectl's -v=N request log, in kubectl 1.34's own line format (klog header, then the "Request" / "Response"
// structured message client-go's round_trippers.go writes), so a kubectl user reads it as kubectl's:
//   -v=6  one "Response" line per request: verb, URL, status, milliseconds
//   -v=7  a "Request" line with the request headers before it; the "Response" line keeps status and milliseconds
//   -v=8  the request and response bodies (cut at 1024 characters), the response headers
//   -v=9  the request as a curl command, every field on the "Response" line, bodies cut at 10240 characters
//   -v=10 bodies whole
// Credentials never reach the log: Authorization (and cookies) are masked as kubectl masks them, user:pass@ and
// token-like query parameters leave URLs, and token, password and key fields of JSON bodies are masked.
// Exec sessions are logged like requests (the upgrade answers 101); watch connections once their answer
// starts (the stream itself is not a body).

import type { IncomingHttpHeaders } from 'node:http';

export type HeaderValues = Record<string, string | string[] | number | undefined>;

/** One request's log: call exactly one of response() or failed(), then body() for the answer's body if it has one. */
export interface TraceHandle {
  response(status: number, headers: IncomingHttpHeaders): void;
  failed(): void;
  body(body: Buffer | string): void;
}

export interface HttpTrace {
  readonly level: number;
  request(method: string, url: string, headers: HeaderValues, body?: string): TraceHandle;
}

/** What kubectl 1.34 logs from: a klog header names the file and line, and these are client-go's. */
const AT = { request: 'round_trippers.go:527', response: 'round_trippers.go:632', body: 'helper.go:113' };

const MASKED_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
const SECRET_QUERY = /^(token|access_token|id_token|refresh_token|password|client_secret)$/i;
const SECRET_FIELDS =
  /("(?:token|access_token|id_token|refresh_token|password|client-key-data|client-certificate-data|client_secret)"\s*:\s*)"(?:[^"\\]|\\.)*"/g;

/** Authorization: `Bearer <masked>` / `Basic <masked>`, as client-go's maskValue; other secrets `<masked>`. */
export function maskHeader(name: string, value: string): string {
  if (!MASKED_HEADERS.has(name.toLowerCase())) return value;
  const scheme = /^(bearer|basic)\s/i.exec(value)?.[1];
  return scheme ? `${scheme[0]!.toUpperCase()}${scheme.slice(1).toLowerCase()} <masked>` : '<masked>';
}

/** The URL with its query (kubectl shows it), without user:pass@ and with token-like parameters masked. */
export function logUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return raw.replace(/\/\/[^/@]*@/, '//');
  }
  u.username = '';
  u.password = '';
  for (const k of [...u.searchParams.keys()]) if (SECRET_QUERY.test(k)) u.searchParams.set(k, '<masked>');
  return u.href.replace(/%3Cmasked%3E/g, '<masked>');
}

export function maskBody(text: string): string {
  return text.replace(SECRET_FIELDS, '$1"<masked>"');
}

/** Go's canonical header key: `sec-websocket-protocol` -> `Sec-Websocket-Protocol`. */
function canonical(name: string): string {
  return name
    .toLowerCase()
    .split('-')
    .map((p) => (p ? p[0]!.toUpperCase() + p.slice(1) : p))
    .join('-');
}

function headerLines(headers: HeaderValues | IncomingHttpHeaders): string[] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    const name = canonical(k);
    for (const one of Array.isArray(v) ? v : [String(v)]) out.push([name, maskHeader(name, one)]);
  }
  out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return out.map(([k, v]) => `${k}: ${v}`);
}

/** klog's `headers=<` block: one tab-indented line per value, closed by ` >`. */
function headerBlock(headers: HeaderValues | IncomingHttpHeaders): string {
  return `headers=<\n${headerLines(headers)
    .map((l) => `\t${l}\n`)
    .join('')} >`;
}

const q = (s: string) => JSON.stringify(s);

function truncated(text: string, level: number): string {
  const max = level >= 10 ? Infinity : level >= 9 ? 10240 : 1024;
  return text.length > max ? `${text.slice(0, max)} [truncated ${text.length - max} chars]` : text;
}

function curl(method: string, url: string, headers: HeaderValues, body: string | undefined): string {
  const h = headerLines(headers)
    .map((l) => ` -H ${q(l)}`)
    .join('');
  return `curl -v -X${method} ${h}${body ? ` -d '${maskBody(body)}'` : ''} '${url}'`;
}

export interface TraceClock {
  /** Milliseconds for durations (performance.now() by default). */
  now(): number;
  /** The wall clock for the klog header. */
  date(): Date;
}

const realClock: TraceClock = { now: () => performance.now(), date: () => new Date() };

/** klog's header: `I1205 18:48:14.369500   22171 round_trippers.go:527] `. */
export function klogPrefix(date: Date, pid: number, at: string): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const micros = String(date.getMilliseconds() * 1000).padStart(6, '0');
  const time = `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${micros}`;
  return `I${two(date.getMonth() + 1)}${two(date.getDate())} ${time} ${String(pid).padStart(7)} ${at}] `;
}

/** The -v=N trace, or undefined below 6 (nothing to log). `write` gets whole lines. */
export function verboseTrace(
  level: number,
  write: (line: string) => void,
  clock: TraceClock = realClock,
  pid = process.pid,
): HttpTrace | undefined {
  if (!(level >= 6)) return undefined;
  const log = (at: string, msg: string) => write(`${klogPrefix(clock.date(), pid, at)}${msg}\n`);
  return {
    level,
    request(method, rawUrl, headers, reqBody) {
      const url = logUrl(rawUrl);
      const start = clock.now();
      if (level >= 8) log(AT.body, `"Request Body" body=${q(maskBody(truncated(reqBody ?? '', level)))}`);
      if (level >= 9) log(AT.request, `"Request" curlCommand=<\n\t${curl(method, url, headers, reqBody)}\n >`);
      else if (level >= 7) log(AT.request, `"Request" verb=${q(method)} url=${q(url)} ${headerBlock(headers)}`);
      let answered = false;
      const respond = (status: string, resHeaders?: IncomingHttpHeaders) => {
        if (answered) return;
        answered = true;
        const ms = Math.round(clock.now() - start);
        // kubectl drops verb and url at 7 and 8 (its Request line just before names them); our requests run
        // concurrently, so the Response line always says which request it answers.
        const where = `verb=${q(method)} url=${q(url)} `;
        const hdrs = level >= 8 && resHeaders ? ` ${headerBlock(resHeaders)}` : '';
        log(AT.response, `"Response" ${where}status=${q(status)}${hdrs} milliseconds=${ms}`);
      };
      return {
        response: (status, resHeaders) => respond(`${status} ${STATUS_TEXT[status] ?? ''}`.trim(), resHeaders),
        failed: () => respond(''),
        body(b) {
          if (level >= 8) log(AT.body, `"Response Body" body=${q(maskBody(truncated(b.toString(), level)))}`);
        },
      };
    },
  };
}

/** Go's http.StatusText for the answers an API server gives. */
const STATUS_TEXT: Record<number, string> = {
  101: 'Switching Protocols',
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  304: 'Not Modified',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
