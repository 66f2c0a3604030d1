// README.md's console examples as data, for the test that runs them against the sandbox (test/e2e/readme.test.ts):
// which blocks show commands, which scenario each needs, and how an output is compared with the one printed in
// the README once ages, UIDs, IPs, hashes and column padding are set aside. Pure: no sandbox, no process.

export interface ConsoleCommand {
  /** The shell line after `$ `. */
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
}

/** Commands the harness can run: the plugin and kubectl (with the sandbox's kubeconfig) and echo. */
export const RUNNABLE = /^(kubectl sts-inspect|kubectl|echo)(\s|$)/;

/** The console blocks of a README that show at least one `$ ` command, with their markers. */
export function consoleBlocks(markdown: string, scenarioNames: readonly string[]): ConsoleBlock[] {
  const lines = markdown.split('\n');
  const blocks: ConsoleBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```console\s*$/.test(lines[i]!)) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    const commands: ConsoleCommand[] = [];
    for (const l of body) {
      if (l.startsWith('$ ')) commands.push({ command: l.slice(2), expected: [] });
      else commands.at(-1)?.expected.push(l);
    }
    if (commands.length === 0) continue;
    // The markers: HTML comments on the lines just before the fence (blank lines allowed between).
    let j = start - 1;
    while (j >= 0 && lines[j]!.trim() === '') j--;
    const markers: string[] = [];
    while (j >= 0 && /^<!--.*-->\s*$/.test(lines[j]!.trim())) markers.push(lines[j--]!.trim());
    const notRun = markers.map((m) => /^<!--\s*not-run:\s*(.+?)\s*-->$/.exec(m)?.[1]).find(Boolean);
    const named = markers.map((m) => /^<!--\s*scenario:\s*(.+?)\s*-->$/.exec(m)?.[1]).find(Boolean);
    const scenarios = named ? named.split(/[\s,]+/).filter(Boolean) : inferScenarios(commands, scenarioNames);
    blocks.push({ line: start + 1, commands, scenarios, ...(notRun ? { notRun } : {}) });
  }
  return blocks;
}

/** The namespaces the commands name (`-n X`, `--namespace X`) that are scenarios, else the lab. */
function inferScenarios(commands: ConsoleCommand[], scenarioNames: readonly string[]): string[] {
  const found = new Set<string>();
  for (const c of commands) for (const m of c.command.matchAll(/(?:^|\s)(?:-n|--namespace)[=\s]+(\S+)/g)) found.add(m[1]!);
  const known = [...found].filter((n) => scenarioNames.includes(n));
  return known.length > 0 ? known : ['lab'];
}

/** What varies from run to run, set aside: times, ages, UIDs, IPs, nodes, revision and content hashes, padding. */
export function normalise(line: string): string {
  return (
    line
      .replace(/\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\b/g, '<time>')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uid>')
      .replace(/\b\d{1,3}(\.\d{1,3}){3}_\d{2,5}\b/g, '<ip>_<port>')
      .replace(/\b\d{1,3}(\.\d{1,3}){3}\b/g, '<ip>')
      // A sandbox's port, in a URL or in a path made from the server (127.0.0.1_41469).
      .replace(/<ip>([:_])\d{2,5}\b/g, '<ip>$1<port>')
      .replace(/sha256:[0-9a-f]+/g, 'sha256:<hash>')
      // Which simulated node a pod landed on is placement, not behaviour.
      .replace(/\bsim-node-\d+\b/g, '<node>')
      // ... and so is the zone of that node.
      .replace(/\bzone-[a-z]\b/g, '<zone>')
      // An ephemeral container's random suffix.
      .replace(/\bsts-inspect-debug-[0-9a-z]+\b/g, 'sts-inspect-debug-<id>')
      .replace(
        /\b(?=[bcdfghjklmnpqrstvwxz2456789]*\d)(?=[bcdfghjklmnpqrstvwxz2456789]*[a-z])[bcdfghjklmnpqrstvwxz2456789]{8,10}\b/g,
        '<hash>',
      )
      .replace(/\b\d+(\.\d+)?(ms|s|m|h|d)(\d+(\.\d+)?(ms|s|m|h))?\b/g, '<age>')
      .replace(/[ \t]+/g, ' ')
      .trim()
  );
}

/** Whether `actual` is what `expected` shows: line by line after normalise(), `...` matching any lines. */
export function matchesExample(expected: readonly string[], actual: readonly string[]): boolean {
  const want = expected.map(normalise);
  const got = actual.map(normalise);
  while (want.at(-1) === '') want.pop();
  while (got.at(-1) === '') got.pop();
  const memo = new Map<string, boolean>();
  const match = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    let ok: boolean;
    if (i === want.length) ok = j === got.length;
    else if (want[i] === '...') ok = match(i + 1, j) || (j < got.length && match(i, j + 1));
    else ok = j < got.length && want[i] === got[j] && match(i + 1, j + 1);
    memo.set(key, ok);
    return ok;
  };
  return match(0, 0);
}
