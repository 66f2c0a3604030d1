// A holder killed with -9 whose parent has not reaped it yet is a zombie: signal 0 still reaches it, but it will
// never renew its lease, so the same command must take over at once (found when the e2e kill -9 tests re-ran the
// command before the test runner had reaped the killed plugin).
import { spawn } from 'node:child_process';
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
    // The shell starts a sleep, kills it with -9, prints its pid, then becomes a process that never reaps it.
    const sh = spawn('sh', ['-c', 'sleep 30 & pid=$!; kill -9 $pid; echo $pid; exec sleep 5'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const pid = await new Promise<number>((resolve) => sh.stdout.once('data', (b: Buffer) => resolve(Number(String(b).trim()))));
      // Wait until the kernel shows it as a zombie.
      for (let i = 0; i < 50; i++) {
        let signalled = false;
        try {
          process.kill(pid, 0);
          signalled = true;
        } catch {
          /* gone */
        }
        expect(signalled).toBe(true);
        if (!pidAlive(pid)) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(pidAlive(pid)).toBe(false);
    } finally {
      sh.kill('SIGKILL');
    }
  });
});
