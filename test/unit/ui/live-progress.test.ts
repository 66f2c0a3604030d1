// Progress lines of acting commands (roll, persistence, scale...) on a terminal are wrapped at spaces to its
// width, an identifier kept whole; in a pipe they are written as they are (a script reads one line per event).
import { describe, expect, it } from 'vitest';
import { startLiveProgress } from '../../../src/ui/spinner.ts';
import type { OutStream } from '../../../src/ui/io.ts';

function stream(isTTY: boolean, columns?: number): OutStream & { text: string } {
  const s = {
    text: '',
    isTTY,
    ...(columns !== undefined ? { columns } : {}),
    write(chunk: string) {
      s.text += chunk;
      return true;
    },
  };
  return s as unknown as OutStream & { text: string };
}

const LINE = 'roll ondelete/web interrupted after 10.8s: interrupted: waiting for web-1 (revision web-7f546bb4fc) to be Ready';

describe('live progress lines', () => {
  it('on a terminal of 80 columns: wrapped at spaces, each piece within 80, the words and their order unchanged', async () => {
    const out = stream(true, 80);
    const p = await startLiveProgress(stream(false), { enabled: false, env: {}, lines: out });
    p.line(LINE);
    const lines = out.text.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    expect(lines.map((l) => l.trim()).join(' ')).toBe(LINE);
    expect(out.text).toContain('web-7f546bb4fc'); // never cut
  });

  it('in a pipe: one line per event, as it is', async () => {
    const out = stream(false);
    const p = await startLiveProgress(stream(false), { enabled: false, env: {}, lines: out });
    p.line(LINE);
    expect(out.text).toBe(`${LINE}\n`);
  });
});
