// Kubernetes resource quantities (`1Gi`, `500M`, `1.5Ti`, `1e3`) in base units, for the plugin (a claim's `1024Mi`
// and its template's `1Gi` compare equal) and the sandbox (admission, provisioning, QoS) alike.

const SUFFIX: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  m: 1e-3,
};

/** A quantity in base units, or null when it is not one (`1e3` exponents included). */
export function parseQuantity(q: string | number | undefined | null): number | null {
  if (typeof q === 'number') return q;
  if (!q) return null;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m)?)$/.exec(q.trim());
  if (!m) return null;
  const n = Number(m[1]);
  if (m[2]) return n * 10 ** Number(m[2].slice(1));
  return n * SUFFIX[m[3] ?? '']!;
}
