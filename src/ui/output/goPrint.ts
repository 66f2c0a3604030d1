// Values printed as kubectl's Go code prints them: fmt's %v (custom-columns cells, JSONPath scalars) and
// encoding/json's Marshal (JSONPath maps and lists: keys sorted, <, > and & escaped).

/** A float from a template literal (`1.0`), which JavaScript would otherwise take for an integer. */
export class GoFloat {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
}

/** strconv.FormatFloat(x, 'g', -1, 64), as %v prints a float64: `1e+06`, `1.5`, `1e-05`. */
export function goFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mantissa, exp] = x.toExponential().split('e') as [string, string];
  const e = Number(exp);
  if (e < -4 || e >= 6) {
    const sign = e < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  return String(x);
}

/** fmt.Sprint(v) of a decoded JSON value: maps as `map[k:v]` with sorted keys, lists as `[a b]`, null as `<nil>`. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (v instanceof GoFloat) return goFloat(v.value);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : goFloat(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  const o = v as Record<string, unknown>;
  return `map[${Object.keys(o)
    .sort()
    .map((k) => `${k}:${goValue(o[k])}`)
    .join(' ')}]`;
}

function goQuote(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** json.Marshal(v) of a decoded JSON value. */
export function goJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof GoFloat) return JSON.stringify(v.value);
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${goQuote(k)}:${goJson(o[k])}`)
    .join(',')}}`;
}
