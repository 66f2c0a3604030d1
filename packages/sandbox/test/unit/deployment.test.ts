import { describe, expect, it } from 'vitest';
import { podTemplateHash } from '../../src/controllers/deployment.ts';

describe('podTemplateHash', () => {
  const t = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'sim/visits:1' }] } };

  it("is the decimal FNV-1a hash in apimachinery's SafeEncodeString alphabet: digits map to 4-9, b, c, d, f", () => {
    const h = podTemplateHash(t);
    expect(h).toMatch(/^[4-9bcdf]{1,10}$/);
    expect(h).toBe(podTemplateHash(structuredClone(t)));
  });

  it.each([
    ['another image', { ...t, spec: { containers: [{ name: 'web', image: 'sim/visits:2' }] } }],
    ['another label', { ...t, metadata: { labels: { app: 'web', tier: 'front' } } }],
  ])('changes with %s', (_why, other) => {
    expect(podTemplateHash(other)).not.toBe(podTemplateHash(t));
  });

  it('changes with the collision count, as the real controller retries a name taken', () => {
    expect(podTemplateHash(t, 1)).not.toBe(podTemplateHash(t, 0));
  });
});
