// README.md's console examples as data, for the test that runs them against the sandbox (test/e2e/readme.test.ts):
// which blocks show commands, which scenario each needs, and how an output is compared with the one printed in
// the README once ages, UIDs, IPs, hashes and column padding are set aside. Pure: no sandbox, no process.
//
// The markers, HTML comments on the lines just before a console block (several may stand one above the other):
//   <!-- scenario: a, b -->        apply these scenarios to a fresh sandbox first (default: the `-n` namespaces the
//                                  commands name that are scenarios, else lab); `scenario: none` starts no sandbox
//                                  (the block starts its own: `kubectl-sts_inspect sandbox ... &`).
//   <!-- scenario: a, continue --> run after the run block before it, on the same sandbox and in the same directory,
//                                  nothing applied: a story told over several blocks (`continue` alone works too).
//   <!-- terminal: y, n -->        run the block on a pseudo-terminal (util-linux `script`), answering each `[y/N]`
//                                  question in turn; what the terminal shows is compared (the answers echoed).
//   <!-- unordered -->             each command's lines compared as a multiset: concurrent requests (`-v=6`).
//   <!-- not-run: REASON -->       not run, for the reason given (the test lists them; nothing is skipped silently).
// In a block: `$ CMD` is a command (a here-document `<<'EOF'` continues it to its EOF line), the lines below it are
// what it prints (stdout and stderr); a `...` line matches any run of lines; `…` inside a line matches any text. A
// command ending in `&` runs in the background until the block ends (then SIGTERM): the harness waits for the last
// line shown under it (a sandbox's `ready`) before the next command. `/tmp/` in a command is the block's own
// directory (the working directory, kept across `continue` blocks).

export interface ConsoleCommand {
  /** The shell line after `$ ` (with its here-document, if any). */
  command: string;
  /** The lines the README shows for it (a `...` line stands for any number of lines). */
  expected: string[];
}

export interface ConsoleBlock {
  /** 1-based line of the opening fence. */
  line: number;
  commands: ConsoleCommand[];
  /** Scenarios to apply first: from `<!-- scenario: a, b -->` before the block, else from `-n NAMESPACE`. */
  scenarios: string[];
  /** `<!-- not-run: REASON -->` before the block: the reason it is not run. */
  notRun?: string;
  /** `continue` in the scenario marker: runs on the sandbox of the run block before it. */
  continues?: boolean;
  /** `<!-- terminal: ANSWERS -->`: run on a pseudo-terminal, these answers typed at the questions in turn. */
  answers?: string[];
  /** `<!-- unordered -->`: each command's lines compared in any order. */
  unordered?: boolean;
}

/** Commands the harness can run: the plugin and kubectl (with the sandbox's kubeconfig), the shell's own. */
export const RUNNABLE = /^(kubectl sts-inspect|kubectl-sts_inspect|kubectl|echo|export|until|sleep|timeout|cat)(\s|$)/;

const HEREDOC = /<<-?\s*(['"]?)([A-Za-z_]+)\1/;

/** The console blocks of a README that show at least one `$ ` command, with their markers. */
export function consoleBlocks(markdown: string, scenarioNames: readonly string[]): ConsoleBlock[] {
  const lines = markdown.split('\n');
  const blocks: ConsoleBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```console\s*$/.test(lines[i]!)) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    const commands = parseCommands(body);
    if (commands.length === 0) continue;
    blocks.push({ line: start + 1, commands, ...parseMarkers(markersBefore(lines, start), commands, scenarioNames) });
  }
  return blocks;
}

/** `$ ` lines and what follows each; a here-document's lines belong to its command. */
function parseCommands(body: readonly string[]): ConsoleCommand[] {
  const commands: ConsoleCommand[] = [];
  for (let k = 0; k < body.length; k++) {
    const l = body[k]!;
    if (!l.startsWith('$ ')) {
      commands.at(-1)?.expected.push(l);
      continue;
    }
    let command = l.slice(2);
    const heredoc = HEREDOC.exec(command);
    if (heredoc) {
      while (k + 1 < body.length && body[k] !== heredoc[2]) command += `\n${body[++k]!}`;
    }
    commands.push({ command, expected: [] });
  }
  return commands;
}

/** The HTML comments on the lines just before the fence (blank lines allowed between). */
function markersBefore(lines: readonly string[], fence: number): string[] {
  let j = fence - 1;
  while (j >= 0 && lines[j]!.trim() === '') j--;
  const markers: string[] = [];
  while (j >= 0 && /^<!--.*-->\s*$/.test(lines[j]!.trim())) markers.push(lines[j--]!.trim());
  return markers;
}

function parseMarkers(
  markers: readonly string[],
  commands: ConsoleCommand[],
  scenarioNames: readonly string[],
): Omit<ConsoleBlock, 'line' | 'commands'> {
  const value = (name: string): string | undefined =>
    markers.map((m) => new RegExp(`^<!--\\s*${name}:\\s*(.+?)\\s*-->$`).exec(m)?.[1]).find(Boolean);
  const flag = (name: string): boolean => markers.some((m) => new RegExp(`^<!--\\s*${name}\\s*-->$`).test(m));
  const notRun = value('not-run');
  const named = value('scenario')
    ?.split(/[\s,]+/)
    .filter(Boolean);
  const continues = flag('continue') || (named?.includes('continue') ?? false);
  const listed = named?.filter((n) => n !== 'continue');
  const scenarios =
    listed && listed.length > 0 ? listed.filter((n) => n !== 'none') : continues ? [] : inferScenarios(commands, scenarioNames);
  const answers = value('terminal')
    ?.split(/[\s,]+/)
    .filter(Boolean);
  return {
    scenarios,
    ...(notRun ? { notRun } : {}),
    ...(continues ? { continues } : {}),
    ...(answers ? { answers } : {}),
    ...(flag('unordered') ? { unordered: true } : {}),
  };
}

/** The namespaces the commands name (`-n X`, `--namespace X`) that are scenarios, else the lab. */
function inferScenarios(commands: ConsoleCommand[], scenarioNames: readonly string[]): string[] {
  const found = new Set<string>();
  for (const c of commands) for (const m of c.command.matchAll(/(?:^|\s)(?:-n|--namespace)[=\s]+(\S+)/g)) found.add(m[1]!);
  const known = [...found].filter((n) => scenarioNames.includes(n));
  return known.length > 0 ? known : ['lab'];
}

/** The run blocks in README order, each `continue` block with the ones before it: one sandbox per chain. */
export function chains(blocks: readonly ConsoleBlock[]): ConsoleBlock[][] {
  const out: ConsoleBlock[][] = [];
  for (const b of blocks) {
    if (b.notRun) continue;
    const last = out.at(-1);
    if (b.continues) {
      if (!last) throw new Error(`README.md:${b.line}: continue marker with no run block before it`);
      last.push(b);
    } else out.push([b]);
  }
  return out;
}

/** What varies from run to run, set aside: times, ages, UIDs, IPs, nodes, revision and content hashes, padding. */
export function normalise(line: string): string {
  return (
    line
      // klog's header (-v=N): severity, date, time, thread id.
      .replace(/^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d{6}\s+\d+\s/, '<klog> ')
      .replace(/\bmilliseconds=\d+\b/g, 'milliseconds=<ms>')
      .replace(/\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\b/g, '<time>')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uid>')
      .replace(/\b\d{1,3}(\.\d{1,3}){3}_\d{2,5}\b/g, '<ip>_<port>')
      .replace(/\b\d{1,3}(\.\d{1,3}){3}\b/g, '<ip>')
      // A sandbox's port, in a URL or in a path made from the server (127.0.0.1_41469).
      .replace(/<ip>([:_])\d{2,5}\b/g, '<ip>$1<port>')
      .replace(/sha256:[0-9a-f]+/g, 'sha256:<hash>')
      // persistence's marker file token.
      .replace(/\bsts-inspect-marker-[0-9a-f]+\b/g, 'sts-inspect-marker-<token>')
      // Which simulated node a pod landed on is placement, not behaviour.
      .replace(/\bsim-node-\d+\b/g, '<node>')
      // ... and so is the zone of that node.
      .replace(/\bzone-[a-z]\b/g, '<zone>')
      // An ephemeral container's random suffix.
      .replace(/\bsts-inspect-debug-[0-9a-z]+\b/g, 'sts-inspect-debug-<id>')
      .replace(
        /\b(?=[bcdfghjklmnpqrstvwxz2456789]*\d)(?=[bcdfghjklmnpqrstvwxz2456789]*[a-z])[bcdfghjklmnpqrstvwxz2456789]{6,10}\b/g,
        '<hash>',
      )
      // ... which may, rarely, be digits only (5684559495): the alphabet has no 0, 1 or 3. A revision hash is the
      // decimal digits of an fnv32 sum, one character each: 10 mostly, 7 or fewer for a sum below 10^7 (about one
      // in 400: web-c9c846f made the README test fail once), hence from 6.
      .replace(/\b[2456789]{6,10}\b/g, '<hash>')
      .replace(/\b\d+(\.\d+)?(ms|s|m|h|d)(\d+(\.\d+)?(ms|s|m|h))?\b/g, '<age>')
      // Seconds as a SECONDS column prints them (0, 1.6), not versions (1.20) or IPs.
      .replace(/(^|[\s(])(0|\d+\.\d)(?=$|[\s),])/g, '$1<secs>')
      .replace(/[ \t]+/g, ' ')
      .trim()
  );
}

/** One expected line against one actual line, both normalised: equal, or `…` in the expected for any text. */
function lineMatches(want: string, got: string): boolean {
  if (!want.includes('…')) return want === got;
  const pattern = want
    .split('…')
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`).test(got);
}

/** Whether `actual` is what `expected` shows: line by line after normalise(), `...` matching any lines. */
export function matchesExample(expected: readonly string[], actual: readonly string[], unordered = false): boolean {
  const want = expected.map(normalise);
  const got = actual.map(normalise);
  while (want.at(-1) === '') want.pop();
  while (got.at(-1) === '') got.pop();
  if (unordered) return [...want].sort().join('\n') === [...got].sort().join('\n');
  const memo = new Map<string, boolean>();
  const match = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    let ok: boolean;
    if (i === want.length) ok = j === got.length;
    else if (want[i] === '...') ok = match(i + 1, j) || (j < got.length && match(i, j + 1));
    else ok = j < got.length && lineMatches(want[i]!, got[j]!) && match(i + 1, j + 1);
    memo.set(key, ok);
    return ok;
  };
  return match(0, 0);
}

// A terminal's escape sequences begin with ESC (no-control-regex forbids it in a regex literal).
const ESC = String.fromCharCode(27);
const CURSOR_TO_START = new RegExp(`${ESC}\\[(\\d*G|2K)`, 'g');
const CSI = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, 'g');
const CHARSET = new RegExp(`${ESC}[()][A-Z0-9]`, 'g');

/** What a terminal showed, as lines: colours and cursor moves dropped, a line redrawn after `\r` kept as last drawn. */
export function terminalText(raw: string): string {
  return (
    raw
      // A spinner goes back to the start of the line (ESC[G) and clears it (ESC[2K): as \r.
      .replace(CURSOR_TO_START, '\r')
      .replace(CSI, '')
      .replace(CHARSET, '')
      .split('\n')
      .map((l) => {
        const parts = l.replace(/\r+$/, '').split('\r');
        return parts.findLast((p) => p !== '') ?? '';
      })
      .join('\n')
  );
}
