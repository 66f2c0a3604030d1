// `kubectl sts-inspect claims NAME`: flags -> options -> read -> classify -> render. Read-only.

import { UsageError } from '../../errors.ts';
import { connect, type ConnectDeps } from '../../kube/connect.ts';
import type { IO } from '../../ui/io.ts';
import { startProgress } from '../../ui/spinner.ts';
import { claimsView } from '../../workload/claims.ts';
import type { ClaimsArgs } from './flags.ts';
import { renderClaims, type ClaimsFormat } from './render.ts';

export type ClaimsDeps = ConnectDeps;

/** When no --request-timeout bounds it, one df may not hang the listing forever. */
const EXEC_TIMEOUT_MS = 30_000;

export interface ClaimsOptions {
  name: string;
  format: ClaimsFormat;
  headers: boolean;
}

export function completeClaimsOptions(argv: ClaimsArgs): ClaimsOptions {
  if (!argv.name) throw new UsageError('claims needs a StatefulSet NAME: kubectl sts-inspect claims NAME');
  if (argv.allNamespaces) throw new UsageError('claims works on one StatefulSet: use -n, not -A');
  if (argv.selector) throw new UsageError('claims takes a NAME, not -l/--selector');
  const formats: Record<string, ClaimsFormat> = { '': 'table', wide: 'wide', name: 'name', json: 'json', yaml: 'yaml' };
  const format = formats[argv.output ?? ''];
  if (!format) throw new UsageError(`unknown output format ${JSON.stringify(argv.output)}: use -o wide, -o name, -o json or -o yaml`);
  return { name: argv.name, format, headers: !argv.noHeaders };
}

export async function claimsCommand(argv: ClaimsArgs, io: IO, deps: ClaimsDeps = {}): Promise<number> {
  const opts = completeClaimsOptions(argv);
  const { client, config, requestTimeoutMs, debug } = await connect(argv, io, deps);
  const now = deps.now ?? (() => Date.now());
  const human = opts.format === 'table' || opts.format === 'wide';
  const progress = await startProgress(io.stderr, human && !!io.stderr.isTTY && !debug, 'Reading claims...');
  let result;
  try {
    result = await claimsView(client, config.namespace, opts.name, {
      usage: opts.format !== 'name',
      concurrency: 10,
      execTimeoutMs: requestTimeoutMs || EXEC_TIMEOUT_MS,
      onProgress: (m) => progress.update(m),
    });
  } finally {
    progress.stop();
  }
  const { view, read } = result;
  for (const w of read.warnings) io.stderr.write(`warning: ${w}\n`);
  io.stdout.write(renderClaims(view, read.warnings, opts.format, opts.headers, now()));
  return 0;
}
