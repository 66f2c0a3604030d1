import { describe, expect, it } from 'vitest';
import { backoffMs, DEFAULT_RETRY, isRetryableStatus, MAX_RETRY_AFTER_MS, networkRetryKind, retryAfterMs } from '../../../src/kube/retry.ts';
import { redactUrl } from '../../../src/kube/url.ts';

describe('which answers a read retries', () => {
  it.each([
    [429, true], [500, true], [502, true], [503, true], [504, true], [501, false], [400, false], [401, false], [403, false], [404, false], [409, false], [410, false], [200, false],
  ])('%d -> %s', (code, retry) => {
    expect(isRetryableStatus(code)).toBe(retry);
  });

  it.each([
    ['ECONNREFUSED', 'refused'], ['ECONNRESET', 'transient'], ['EPIPE', 'transient'], ['EAI_AGAIN', 'transient'], ['ENOTFOUND', undefined], ['CERT_HAS_EXPIRED', undefined],
  ])('%s -> %s', (code, kind) => {
    expect(networkRetryKind(Object.assign(new Error(code), { code }))).toBe(kind);
  });

  it('"socket hang up" without a code is transient', () => {
    expect(networkRetryKind(new Error('socket hang up'))).toBe('transient');
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-11-27T00:00:00Z');
  it.each([
    [undefined, undefined], ['', undefined], ['0', 0], ['3', 3000], ['1.5', 1500], ['86400', MAX_RETRY_AFTER_MS], ['soon', undefined],
    ['Fri, 27 Nov 2026 00:00:05 GMT', 5000], ['Thu, 26 Nov 2026 23:00:00 GMT', 0],
  ])('%j -> %s ms', (h, ms) => {
    expect(retryAfterMs(h, now)).toBe(ms);
  });
});

describe('backoff', () => {
  it.each([
    [1, 0, 100], [1, 1, 200], [2, 0, 200], [3, 1, 800], [10, 0, 2500], [10, 1, 5000],
  ])('retry %d with random %d -> %d ms', (retry, r, ms) => {
    expect(backoffMs(retry, DEFAULT_RETRY, undefined, () => r)).toBe(ms);
  });

  it("the server's Retry-After wins", () => {
    expect(backoffMs(1, DEFAULT_RETRY, 7000, () => 0)).toBe(7000);
  });
});

describe('server URLs for messages', () => {
  it.each([
    ['https://admin:secret@api.example:6443', 'https://api.example:6443'],
    ['https://api.example:6443/k8s/clusters/c-1?token=abc#x', 'https://api.example:6443/k8s/clusters/c-1'],
    ['http://127.0.0.1:8001/', 'http://127.0.0.1:8001'],
    ['https://user@[::1]:6443', 'https://[::1]:6443'],
    ['not a url', 'not a url'],
    ['https://admin:secret@', 'https://'],
    ['admin:secret@host:1?token=x', 'host:1'],
  ])('%s -> %s', (raw, shown) => {
    expect(redactUrl(raw)).toBe(shown);
  });
});
