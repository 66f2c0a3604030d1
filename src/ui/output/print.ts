// The machine-readable -o formats over one document, as kubectl prints them for the objects it got: `name`
// (one TYPE/NAME line per object), `jsonpath` (over the document -o json prints), `custom-columns` (one row per
// object: the caller says which elements are the rows). json and yaml stay with each command's renderer.

import { UsageError } from '../../errors.ts';
import { renderCustomColumns } from './columns.ts';
import type { OutputSpec } from './format.ts';
import { executeJsonPath, JsonPathError } from './jsonpath.ts';

export interface Printable {
  /** What -o json prints (decoded again, so it is exactly what a script piping -o json would read). */
  document: unknown;
  /** `statefulset.apps/web`, one per object, for -o name. */
  names: readonly string[];
  /** The rows of -o custom-columns: elements of the document. */
  rows: (document: unknown) => readonly unknown[];
}

export interface PrintOptions {
  headers: boolean;
  allowMissingKeys: boolean;
}

/** The text for -o name, jsonpath or custom-columns; undefined for the other formats (the command renders them). */
export function printDocument(spec: OutputSpec, p: Printable, o: PrintOptions): string | undefined {
  const doc: unknown = JSON.parse(JSON.stringify(p.document));
  switch (spec.kind) {
    case 'name':
      return p.names.map((n) => `${n}\n`).join('');
    case 'jsonpath':
      try {
        return executeJsonPath(spec.template, doc, o.allowMissingKeys);
      } catch (e) {
        if (e instanceof JsonPathError) throw new UsageError(`error executing jsonpath ${JSON.stringify(spec.raw)}: ${e.message}`);
        throw e;
      }
    case 'custom-columns':
      try {
        return renderCustomColumns(spec.columns, p.rows(doc), o.headers);
      } catch (e) {
        if (e instanceof JsonPathError) throw new UsageError(`error executing custom-columns: ${e.message}`);
        throw e;
      }
    default:
      return undefined;
  }
}
