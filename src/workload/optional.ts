// An optional lookup (the claims, events, revisions, the governing service): whatever goes wrong with it on the
// API's side — a 403, a 404, a 429 or a 500 that outlived the retries, a timeout — the view is still printed
// with the affected cells unknown, and the failure becomes a warning. Only the lookups the view cannot do
// without may fail it. A programming error (a TypeError, anything that is not a typed CliError) is a bug: it
// is not turned into a warning but escapes, and main.ts makes it exit 1.

import { CliError } from '../errors.ts';

export async function optional<T>(warnings: string[], shownAs: string, call: () => Promise<T>): Promise<T | null> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    warnings.push(`${err.message} (${shownAs})`);
    return null;
  }
}
