// The one renderer of `-o json|yaml` documents, for every command: a document is data, printed whole, with
// nothing else on stdout (no spinner, no colour).

import { stringify as toYaml } from 'yaml';
import { UsageError } from '../errors.ts';

export type DocumentFormat = 'json' | 'yaml';
export type OutputFormat = 'human' | DocumentFormat;

/** `-o` -> the format; `allowed` lists the human formats a command has besides its default ('' is the default). */
export function outputFormat(output: string | undefined, extra: string[] = []): string {
  const o = output ?? '';
  if (o === '') return 'human';
  if (o === 'json' || o === 'yaml' || extra.includes(o)) return o;
  throw new UsageError(
    `unknown output format ${JSON.stringify(output)}: use ${[...extra, 'json', 'yaml']
      .map((f) => `-o ${f}`)
      .join(', ')
      .replace(/, ([^,]*)$/, ' or $1')}`,
  );
}

export function isDocumentFormat(f: string): f is DocumentFormat {
  return f === 'json' || f === 'yaml';
}

export function renderDocument(doc: unknown, format: DocumentFormat): string {
  return format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : toYaml(doc);
}
