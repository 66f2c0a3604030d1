// A tmux server of the test's own (its socket named by `prefix` and the pid) that runs the plugin in a fresh
// pane of a given width and returns what the user reads there: the pane's lines, soft-wrapped lines joined (-J).
import { execFileSync } from 'node:child_process';
import { cliCommand } from './cli.ts';

export interface Panes {
  /** Run the plugin with `args` (and `--kubeconfig`) in a pane `columns` wide; its lines up to its end. */
  run(columns: number, args: string[], kubeconfig: string): Promise<string[]>;
  /** Stop the test's tmux server. */
  stop(): void;
}

const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

export function tmuxPanes(prefix: string): Panes {
  const socket = `${prefix}-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  let session = 0;
  return {
    async run(columns, args, kubeconfig) {
      const { command, args: pre } = cliCommand();
      const name = `s${session++}`;
      const line = [command, ...pre, ...args, '--kubeconfig', kubeconfig].map(quote).join(' ');
      tmux('new-session', '-d', '-s', name, '-x', String(columns), '-y', '200', `${line}; echo __DONE__ $?; sleep 600`);
      const deadline = Date.now() + 60_000;
      for (;;) {
        const text = tmux('capture-pane', '-p', '-J', '-t', name, '-S', '-', '-E', '-');
        if (/__DONE__ \d+/.test(text)) {
          tmux('kill-session', '-t', name);
          const lines = text.split('\n');
          return lines.slice(
            0,
            lines.findIndex((l) => l.startsWith('__DONE__')),
          );
        }
        if (Date.now() > deadline) throw new Error(`no end in the pane after 60 s:\n${text}`);
        await new Promise((r) => setTimeout(r, 200));
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
