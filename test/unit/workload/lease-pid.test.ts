// A holder killed with -9 whose parent has not reaped it yet is a zombie: signal 0 still reaches it, but it will
// never renew its lease, so the same command must take over at once (found when the e2e kill -9 tests re-ran the
// command before the test runner had reaped the killed plugin).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pidAlive } from '../../../src/workload/lease.ts';

describe('pidAlive', () => {
  it('a live process is alive; our own pid too', () => {
    expect(pidAlive(process.pid)).toBe(true);
  });

  it('a pid that does not exist is not', () => {
    expect(pidAlive(2 ** 22 + 12345)).toBe(false);
  });

  it.runIf(process.platform === 'linux')('a killed, unreaped process (a zombie) is not alive', async () => {
    // The shell starts a sleep, prints its pid, then becomes a process that never reaps it (exec sleep); the test
    // kills the child only once the exec happened, so no shell is left to reap it before it is looked at (the
    // shell killing it itself could reap it first under load, and there was no zombie to look at).
    const sh = spawn('sh', ['-c', 'sleep 30 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const pid = await new Promise<number>((resolve) => sh.stdout.once('data', (b: Buffer) => resolve(Number(String(b).trim()))));
      for (let i = 0; i < 100 && readFileSync(`/proc/${sh.pid}/comm`, 'utf8').trim() !== 'sleep'; i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(readFileSync(`/proc/${sh.pid}/comm`, 'utf8').trim()).toBe('sleep');
      expect(pidAlive(pid)).toBe(true);
      process.kill(pid, 'SIGKILL');
      // Wait until the kernel shows it as a zombie: still there for signal 0, not alive.
      for (let i = 0; i < 50 && pidAlive(pid); i++) await new Promise((r) => setTimeout(r, 20));
      expect(() => process.kill(pid, 0)).not.toThrow();
      expect(pidAlive(pid)).toBe(false);
    } finally {
      sh.kill('SIGKILL');
    }
  });
});
