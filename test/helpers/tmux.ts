// Terminals for e2e tests: a tmux server of the test's own (its socket named by `prefix` and the pid) running the
// plugin in panes of a given size, and what the user reads there.
// - tmuxTerminal: start the plugin in a named session, read its pane, wait for a pattern, send keys (interactive tests);
// - tmuxPanes: run the plugin to its end in a fresh pane of a given width and return its lines (soft wraps joined).
import { execFileSync } from 'node:child_process';
import { cliCommand } from './cli.ts';

export interface Terminal {
  /** tmux on the test's own server (send-keys, kill-session, ...). */
  tmux: (...args: string[]) => string;
  /** Runs the plugin with `args` and `--kubeconfig` in session `name`; `__DONE__ <exit code>` is printed after it. */
  start: (name: string, args: string[], kubeconfig: string, o?: { columns?: number; rows?: number; redirect?: string }) => void;
  /** The pane: the screen, or with `history` every line since the start, soft-wrapped lines joined (-J). */
  pane: (name: string) => string;
  /** The pane once `re` matches it; an error showing the pane after `ms`. */
  waitFor: (name: string, re: RegExp, ms?: number) => Promise<string>;
  /** Stop the test's tmux server. */
  stop: () => void;
}

const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

export function tmuxTerminal(prefix: string, o: { history?: boolean; waitMs?: number } = {}): Terminal {
  const socket = `${prefix}-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const pane = (name: string) =>
    o.history ? tmux('capture-pane', '-p', '-J', '-t', name, '-S', '-', '-E', '-') : tmux('capture-pane', '-p', '-t', name);
  return {
    tmux,
    pane,
    start(name, args, kubeconfig, size = {}) {
      const { command, args: pre } = cliCommand();
      const line = [command, ...pre, ...args, '--kubeconfig', kubeconfig].map(quote).join(' ');
      const [x, y] = [String(size.columns ?? 80), String(size.rows ?? 200)];
      tmux('new-session', '-d', '-s', name, '-x', x, '-y', y, `${line}${size.redirect ?? ''}; echo __DONE__ $?; sleep 600`);
    },
    async waitFor(name, re, ms = o.waitMs ?? 60_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const text = pane(name);
        if (re.test(text)) return text;
        if (Date.now() > deadline) throw new Error(`no ${String(re)} in the pane:\n${text}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop() {
      try {
        tmux('kill-server');
      } catch {
        /* no server left */
      }
    },
  };
}

export interface Panes {
  /** Run the plugin with `args` (and `--kubeconfig`) in a pane `columns` wide; its lines up to its end. */
  run(columns: number, args: string[], kubeconfig: string): Promise<string[]>;
  /** Stop the test's tmux server. */
  stop(): void;
}

export function tmuxPanes(prefix: string): Panes {
  const term = tmuxTerminal(prefix, { history: true });
  let session = 0;
  return {
    async run(columns, args, kubeconfig) {
      const name = `s${session++}`;
      term.start(name, args, kubeconfig, { columns, rows: 200 });
      const lines = (await term.waitFor(name, /__DONE__ \d+/, 60_000)).split('\n');
      term.tmux('kill-session', '-t', name);
      return lines.slice(
        0,
        lines.findIndex((l) => l.startsWith('__DONE__')),
      );
    },
    stop: () => term.stop(),
  };
}
