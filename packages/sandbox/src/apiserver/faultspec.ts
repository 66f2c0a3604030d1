// The compact text form of a fault, shared by `kubectl sts-inspect sandbox --fault SPEC` and the control path
// (POST /sandbox/v1/faults {"spec": "..."}):
//
//   SPEC    = ACTION | RULE
//   ACTION  = "hang-exec" | "drop-watches" | "expire-watch"
//   RULE    = EFFECTS ":" METHOD ":" PATH
//   EFFECTS = EFFECT *("," EFFECT)          at least one of status= or delay=
//   EFFECT  = "status=" CODE                400..599; the body is the Status a real API server sends
//           | "delay=" DURATION             e.g. 500ms, 2s, 1m
//           | "times=" N                   only the next N matching requests (default: all of them)
//           | "watch=" ("true" | "false")   only watch requests, or only non-watch requests
//   METHOD  = "*" | "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | ...
//   PATH    = the request path; "*" matches within one segment, "**" across segments; may contain ":"
//
// PATH is last so that pod proxy paths (`pods/web-0:8080/proxy/`) need no quoting.

import type { FaultRule } from './faults.ts';

export type FaultAction = 'hang-exec' | 'drop-watches' | 'expire-watch';

export type ParsedFault = { kind: 'action'; action: FaultAction } | { kind: 'rule'; rule: FaultRule };

export class FaultSpecError extends Error {}

const ACTIONS: readonly FaultAction[] = ['hang-exec', 'drop-watches', 'expire-watch'];

/** `500ms`, `2s`, `1.5s`, `1m` -> milliseconds. */
export function parseDurationMs(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[m[2] as 'ms' | 's' | 'm']);
}

/** A path pattern as a RegExp anchored at both ends: `*` within a segment, `**` across segments. */
export function pathPattern(glob: string): RegExp {
  let src = '';
  for (let i = 0; i < glob.length; i++) {
    if (glob.startsWith('**', i)) {
      src += '.*';
      i++;
    } else if (glob[i] === '*') src += '[^/]*';
    else src += glob[i]!.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${src}$`);
}

export function parseFaultSpec(spec: string): ParsedFault {
  const s = spec.trim();
  if ((ACTIONS as readonly string[]).includes(s)) return { kind: 'action', action: s as FaultAction };
  const first = s.indexOf(':');
  const second = first < 0 ? -1 : s.indexOf(':', first + 1);
  if (first < 0 || second < 0) {
    throw new FaultSpecError(
      `"${spec}": expected ${ACTIONS.join(', ')} or EFFECTS:METHOD:PATH (e.g. status=403:GET:/api/v1/namespaces/*/events)`,
    );
  }
  const effects = s.slice(0, first);
  const method = s.slice(first + 1, second).toUpperCase();
  const path = s.slice(second + 1);
  if (!/^(\*|[A-Z]+)$/.test(method))
    throw new FaultSpecError(`"${spec}": method "${s.slice(first + 1, second)}" is not an HTTP method or *`);
  if (!path.startsWith('/')) throw new FaultSpecError(`"${spec}": path "${path}" must start with /`);
  const glob = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const rule: FaultRule = { path: pathPattern(glob), glob };
  if (method !== '*') rule.method = method;
  for (const eff of effects.split(',')) {
    const eq = eff.indexOf('=');
    const key = eq < 0 ? eff : eff.slice(0, eq);
    const value = eq < 0 ? '' : eff.slice(eq + 1);
    switch (key) {
      case 'status': {
        const code = /^\d{3}$/.test(value) ? Number(value) : NaN;
        if (!(code >= 400 && code <= 599)) throw new FaultSpecError(`"${spec}": status "${value}" is not an HTTP error code (400-599)`);
        rule.status = code;
        break;
      }
      case 'delay': {
        const ms = parseDurationMs(value);
        if (ms === undefined) throw new FaultSpecError(`"${spec}": delay "${value}" is not a duration (e.g. 500ms, 2s, 1m)`);
        rule.delayMs = ms;
        break;
      }
      case 'times': {
        if (!/^[1-9]\d*$/.test(value)) throw new FaultSpecError(`"${spec}": times "${value}" is not a positive integer`);
        rule.times = Number(value);
        break;
      }
      case 'watch': {
        if (value !== 'true' && value !== 'false') throw new FaultSpecError(`"${spec}": watch "${value}" must be true or false`);
        rule.watch = value === 'true';
        break;
      }
      default:
        throw new FaultSpecError(`"${spec}": unknown effect "${key}" (status=, delay=, times=, watch=)`);
    }
  }
  if (rule.status === undefined && rule.delayMs === undefined) throw new FaultSpecError(`"${spec}": needs status=CODE or delay=DURATION`);
  return { kind: 'rule', rule };
}
