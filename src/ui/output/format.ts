// `-o` as kubectl reads it: json, yaml, wide, name, jsonpath=TEMPLATE, jsonpath-file=FILE,
// custom-columns=SPEC, custom-columns-file=FILE. Parsing only (pure but for the file a caller reads); the
// printers are jsonpath.ts and columns.ts.

import { UsageError } from '../../errors.ts';
import { parseCustomColumns, parseCustomColumnsFile, type CustomColumn } from './columns.ts';
import { parseJsonPath, type JsonPathTemplate } from './jsonpath.ts';
import { OUTPUT_FORMATS } from './names.ts';

export type OutputSpec =
  | { kind: 'table' }
  | { kind: 'wide' }
  | { kind: 'json' }
  | { kind: 'yaml' }
  | { kind: 'name' }
  | { kind: 'jsonpath'; raw: string; template: JsonPathTemplate }
  | { kind: 'custom-columns'; columns: CustomColumn[] };

/** A human view: the table, fitted to a terminal, with colour and a spinner. */
export function isHuman(spec: OutputSpec): boolean {
  return spec.kind === 'table' || spec.kind === 'wide';
}

/** `-o VALUE` -> what to print; `readFile` reads a -file= argument (the command layer passes fs). */
export function parseOutput(value: string, readFile: (path: string) => string): OutputSpec {
  const eq = value.indexOf('=');
  const name = eq < 0 ? value : value.slice(0, eq);
  const arg = eq < 0 ? '' : value.slice(eq + 1);
  const read = (what: string) => {
    if (!arg) throw new UsageError(`${what} format specified but no ${what === 'jsonpath-file' ? 'template file' : 'file'} given`);
    try {
      return readFile(arg);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
      throw new UsageError(`error reading --template ${arg}, ${why}`);
    }
  };
  switch (name) {
    case '':
    case 'table':
      if (eq < 0) return { kind: 'table' };
      break;
    case 'wide':
    case 'json':
    case 'yaml':
    case 'name':
      if (eq < 0) return { kind: name };
      break;
    case 'jsonpath':
    case 'jsonpath-file': {
      const raw = name === 'jsonpath' ? arg : read(name);
      if (!raw) throw new UsageError('template format specified but no template given');
      return { kind: 'jsonpath', raw, template: jsonPathOrUsage(raw) };
    }
    case 'custom-columns':
      return { kind: 'custom-columns', columns: parseCustomColumns(arg) };
    case 'custom-columns-file':
      return { kind: 'custom-columns', columns: parseCustomColumnsFile(read(name)) };
  }
  throw new UsageError(
    `unable to match a printer suitable for the output format ${JSON.stringify(value)}, allowed formats are: ${OUTPUT_FORMATS.map((f) => (f.endsWith('=') ? `${f}...` : f)).join(',')}`,
  );
}

function jsonPathOrUsage(raw: string): JsonPathTemplate {
  try {
    return parseJsonPath(raw);
  } catch (e) {
    throw new UsageError(`error parsing jsonpath ${raw}, ${(e as Error).message}`);
  }
}
