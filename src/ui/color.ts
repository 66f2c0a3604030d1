// Colour: on only when asked (--color always) or when stdout is a terminal and NO_COLOR is unset
// (https://no-color.org). Never in JSON or YAML.

import type { OutStream } from './io.ts';

export type ColorMode = 'auto' | 'always' | 'never';

export function colorEnabled(mode: ColorMode, stream: Pick<OutStream, 'isTTY'>, env: NodeJS.ProcessEnv): boolean {
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  return !!stream.isTTY && !env.NO_COLOR;
}

export interface Palette {
  ok: (s: string) => string;
  warn: (s: string) => string;
  bad: (s: string) => string;
  dim: (s: string) => string;
  bold: (s: string) => string;
}

const wrap = (open: number, close: number) => (s: string) => (s === '' ? s : `\u001b[${open}m${s}\u001b[${close}m`);

export const COLORS: Palette = { ok: wrap(32, 39), warn: wrap(33, 39), bad: wrap(31, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
const id = (s: string) => s;
export const PLAIN: Palette = { ok: id, warn: id, bad: id, dim: id, bold: id };

export function palette(enabled: boolean): Palette {
  return enabled ? COLORS : PLAIN;
}

// eslint-disable-next-line no-control-regex -- ANSI escape sequences start with the ESC control character
const ANSI = /\u001b\[[0-9;]*m/g;
export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}
