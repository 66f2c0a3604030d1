// "did you mean" for mistyped names: Damerau-free Levenshtein distance, small enough to be a typo.

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** Up to `max` candidates close to `name`: a prefix/substring match, or within a third of its length in edits. */
export function closeNames(name: string, candidates: string[], max = 3): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  return candidates
    .map((c) => ({ c, d: c.includes(name) || name.includes(c) ? 0.5 : editDistance(name, c) }))
    .filter((x) => x.c !== name && x.d <= limit)
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, max)
    .map((x) => x.c);
}

/** ` (did you mean "web"?)` or an empty string. */
export function didYouMean(name: string, candidates: string[]): string {
  const close = closeNames(name, candidates);
  if (close.length === 0) return '';
  return `; did you mean ${close.map((c) => `"${c}"`).join(' or ')}?`;
}
