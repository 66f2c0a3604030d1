// The plan of a mutating command as data, and its one human rendering: `--dry-run` prints it and stops;
// the same plan drives the prompts. JSON/YAML commands print their own document that embeds the steps.

import type { OutStream } from './io.ts';
import { displayWidth } from './width.ts';

export interface PlanStep {
  /** What happens: `patch`, `delete`, `wait`. */
  action: string;
  /** What it happens to: `statefulset demo/web`, `pod demo/web-2`. */
  target: string;
  /** Why or with what: `restartedAt=2026-11-27T00:00:00Z`, `revision web-6979694cc4 -> web-5679bdfbdd`. */
  detail?: string;
}

export interface MutationPlan {
  /** One line: `restart statefulset web in namespace demo (3 pods, highest ordinal first)`. */
  summary: string;
  steps: PlanStep[];
  /** What the plan leaves alone and why: `web-0, web-1 stay on web-6979694cc4 (below partition 2)`. */
  notes: string[];
}

export function renderPlan(plan: MutationPlan): string {
  const lines = [`Plan: ${plan.summary}`];
  plan.steps.forEach((s, i) => lines.push(`  ${i + 1}. ${s.action} ${s.target}${s.detail ? `: ${s.detail}` : ''}`));
  if (plan.steps.length === 0) lines.push('  (nothing to do)');
  for (const n of plan.notes) lines.push(`  note: ${n}`);
  return `${lines.join('\n')}\n`;
}

// ---- plans and prompts on a terminal ------------------------------------------------------------------------

/** The width of `stream` when it is a terminal; undefined for a pipe or a file, where nothing is wrapped. */
export function terminalWidth(stream: Pick<OutStream, 'isTTY' | 'columns'>): number | undefined {
  return stream.isTTY && (stream.columns ?? 0) > 0 ? stream.columns : undefined;
}

/**
 * `  1. `, `  note: `, `warning: `, `  - `: the marker a continuation is indented past (a hanging indent). A shell
 * comment's `#` is repeated on each continuation instead: a block of commands copied from the terminal must not
 * run the commented-out ones the wrap would otherwise put on lines of their own.
 */
const MARKER = /^(\s*)((?:\d+\.|note:|warning:|error:|event:|remedy:|-|\*|#)\s+)?/;

/**
 * A command to run, `kubectl …` up to the end of its clause (`,` `;` `)` or the end of the line), is kept on one
 * line: copied from a terminal, a line the terminal wrapped by itself comes out whole, one we broke does not
 * (`… roll web -n broken-rollout` with `--watch-only` on the next line would run a restart instead).
 */
const COMMAND = /\bkubectl [^,;)]*/g;
/** Joins a command's words while the line is wrapped: a no-break space, as wide as a space. */
const GLUE = '\u00a0';

const glueCommands = (text: string) =>
  text.replace(COMMAND, (c) => {
    const cmd = c.trimEnd();
    return cmd.replaceAll(' ', GLUE) + c.slice(cmd.length);
  });

/**
 * One line wrapped at spaces to `width`, the continuations indented under the text after the line's marker
 * (`  1. evict pod …` continues under `evict`), or two columns in when the line has none. A word longer than
 * the room stays whole on its own line: an identifier (a pod, an image) is never cut, nor a command to run
 * (above), which goes to a line of its own when it does not fit after the text before it.
 */
export function wrapLine(line: string, width: number): string {
  if (displayWidth(line) <= width) return line;
  if (!line.includes(GLUE)) return wrapWordsOf(glueCommands(line), width).replaceAll(GLUE, ' ');
  return wrapWordsOf(line, width);
}

function wrapWordsOf(line: string, width: number): string {
  const m = MARKER.exec(line)!;
  const lead = m[1]!.length;
  const marker = m[2]?.length ?? 0;
  let hang = lead + (marker || 2);
  if (hang > width / 2) hang = Math.min(lead + 2, Math.floor(width / 2));
  const pad = m[2]?.startsWith('#') && hang === lead + marker ? `${m[1]!}${m[2]}` : ' '.repeat(hang);
  const first = m[0].length;
  const words = line.slice(first).split(' ');
  const out: string[] = [];
  let cur = line.slice(0, first);
  let curHasWord = false;
  for (const word of words) {
    if (word === '' && !curHasWord) continue;
    const next = curHasWord ? `${cur} ${word}` : `${cur}${word}`;
    if (curHasWord && word !== '' && displayWidth(next) > width) {
      out.push(cur.trimEnd());
      cur = `${pad}${word}`;
    } else cur = next;
    curHasWord = true;
  }
  out.push(cur.trimEnd());
  return out.join('\n');
}

/** Text of several lines (a plan, a question) wrapped line by line; as it is without a width. */
export function wrapPlanText(text: string, width: number | undefined): string {
  if (width === undefined) return text;
  return text
    .split('\n')
    .map((l) => wrapLine(l, width))
    .join('\n');
}

/**
 * The one way a plan, a prompt's preamble or a plan's progress reaches the user: wrapped to the terminal's
 * width at word boundaries when `stream` is a terminal, byte for byte otherwise (pipes, files, -o json|yaml).
 */
export function writePlan(stream: OutStream, text: string): void {
  stream.write(wrapPlanText(text, terminalWidth(stream)));
}
