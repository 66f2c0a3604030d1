// "did you mean" for mistyped names: optimal-string-alignment distance (a swap of two neighbours is one
// edit, so `wbe` is one edit from `web`), small enough to be a typo.

export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** Up to `max` candidates close to `name`: a prefix/substring match, or within a third of its length in edits. */
export function closeNames(name: string, candidates: string[], max = 3): string[] {
  const limit = Math.max(1, Math.floor(name.length / 3));
  return candidates
    .map((c) => ({ c, d: c.includes(name) || name.includes(c) ? 0.5 : editDistance(name, c) }))
    .filter((x) => x.c !== name && x.d <= limit)
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, max)
    .map((x) => x.c);
}

/** `; did you mean "web"?` or an empty string. */
export function didYouMean(name: string, candidates: string[]): string {
  const close = closeNames(name, candidates);
  if (close.length === 0) return '';
  return `; did you mean ${close.map((c) => `"${c}"`).join(' or ')}?`;
}

/**
 * Commands a first word probably meant, as cobra's "Did you mean this?" finds them (a prefix of a command, or
 * a few edits from one), plus a command followed by more letters (`rollout`). Stricter than cobra on short
 * words: a word that is not a command may still be a StatefulSet's NAME, so two letters suggest nothing.
 */
export function commandSuggestions(typed: string, commands: readonly string[]): string[] {
  const word = typed.toLowerCase();
  if (word.length < 3 || !/^[a-z]+$/.test(word)) return [];
  const limit = word.length <= 4 ? 1 : 2;
  return commands.filter((c) => c !== word && (c.startsWith(word) || word.startsWith(c) || editDistance(word, c) <= limit));
}
