// How a command runs another command line as the binary would (the demo runs inspect, compare, persistence,
// roll): main.ts registers its run() here when it is evaluated. A command importing main.ts instead would make
// the cycle main -> cli -> commands/demo -> main.

import type { IO } from '../ui/io.ts';

export type RunCommandLine = (argv: string[], io: IO) => Promise<number>;

let registered: RunCommandLine | undefined;

export function registerRunner(run: RunCommandLine): void {
  registered = run;
}

export function commandLineRunner(): RunCommandLine {
  if (!registered) throw new Error('no command-line runner registered (main.ts registers it)');
  return registered;
}
