// restoreOnTerminate (src/ui/interrupt.ts): `kill` or a closed terminal ends `inspect -w` with the terminal as it
// was (the cursor shown again), and the process still ends by the same signal (exit 143 or 129 in the shell).

import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { restoreOnTerminate } from '../../../src/ui/interrupt.ts';

describe('restoreOnTerminate', () => {
  it.each(['SIGTERM', 'SIGHUP'] as const)('%s: restores, then raises the same signal again with no handler left', (sig) => {
    const source = new EventEmitter();
    const calls: string[] = [];
    restoreOnTerminate(() => calls.push('restore'), {
      source,
      reraise: (s) => calls.push(`raise ${s} (handlers left: ${source.listenerCount(s)})`),
    });
    source.emit(sig, sig);
    expect(calls).toEqual(['restore', `raise ${sig} (handlers left: 0)`]);
  });

  it('once disposed (the view closed normally), a signal does nothing of it', () => {
    const source = new EventEmitter();
    const calls: string[] = [];
    const dispose = restoreOnTerminate(() => calls.push('restore'), { source, reraise: () => calls.push('raise') });
    dispose();
    expect(source.listenerCount('SIGTERM') + source.listenerCount('SIGHUP')).toBe(0);
    source.emit('SIGTERM', 'SIGTERM');
    expect(calls).toEqual([]);
  });
});
