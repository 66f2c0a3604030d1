// Bounds on flag values that no real use needs to cross, checked while parsing (pflag's message shape).

/** --max-bytes: a file larger than this is not read into a table cell or a hash in memory. */
export const MAX_BYTES_CAP = 64 * 1024 * 1024;

export function maxBytesProblem(value: string): string | undefined {
  return Number(value) > MAX_BYTES_CAP ? `must be at most ${MAX_BYTES_CAP} (64 MiB)` : undefined;
}
