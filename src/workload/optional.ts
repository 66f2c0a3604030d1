// An optional lookup (the claims, events, revisions, the governing service): whatever goes wrong with it — a
// 403, a 404, a 429 or a 500 that outlived the retries, a timeout — the view is still printed with the affected
// cells unknown, and the failure becomes a warning. Only the lookups the view cannot do without may fail it.

export async function optional<T>(warnings: string[], shownAs: string, call: () => Promise<T>): Promise<T | null> {
  try {
    return await call();
  } catch (err) {
    warnings.push(`${err instanceof Error ? err.message : String(err)} (${shownAs})`);
    return null;
  }
}
