// The --fault SPEC grammar (shared with POST /sandbox/v1/faults), table-driven.
import { describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/apiserver/faults.ts';
import { FaultSpecError, parseFaultSpec, pathPattern } from '../../src/apiserver/faultspec.ts';

describe('parseFaultSpec', () => {
  it.each([
    ['hang-exec', { kind: 'action', action: 'hang-exec' }],
    ['drop-watches', { kind: 'action', action: 'drop-watches' }],
    [' expire-watch ', { kind: 'action', action: 'expire-watch' }],
  ])('%j is an action', (spec, want) => {
    expect(parseFaultSpec(spec)).toEqual(want);
  });

  it.each([
    ['status=403:GET:/api/v1/namespaces/*/events', { method: 'GET', status: 403 }, '^/api/v1/namespaces/[^/]*/events$'],
    ['delay=2s:GET:/apis/apps/v1/**', { method: 'GET', delayMs: 2000 }, '^/apis/apps/v1/.*$'],
    ['delay=250ms,status=500:*:/api/v1/pods', { delayMs: 250, status: 500 }, '^/api/v1/pods$'],
    [
      'status=429,times=1:get:/apis/apps/v1/namespaces/default/statefulsets/web',
      { method: 'GET', status: 429, times: 1 },
      '^/apis/apps/v1/namespaces/default/statefulsets/web$',
    ],
    ['status=410,watch=true:GET:/api/v1/pods', { method: 'GET', status: 410, watch: true }, '^/api/v1/pods$'],
    ['status=403:GET:/api/v1/nodes/*/proxy/stats/summary', { method: 'GET', status: 403 }, '^/api/v1/nodes/[^/]*/proxy/stats/summary$'],
    // The path is everything after the second colon, so pod proxy ports need no quoting; a trailing / is dropped
    // because the server matches paths without it.
    [
      'status=503:GET:/api/v1/namespaces/default/pods/web-0:8080/proxy/',
      { method: 'GET', status: 503 },
      '^/api/v1/namespaces/default/pods/web-0:8080/proxy$',
    ],
    ['delay=1.5s:POST:/', { method: 'POST', delayMs: 1500 }, '^/$'],
  ])('%j is a rule', (spec, fields, pathSource) => {
    const p = parseFaultSpec(spec);
    expect(p.kind).toBe('rule');
    if (p.kind !== 'rule') return;
    const { path, glob: _glob, ...rest } = p.rule;
    expect(rest).toEqual(fields);
    expect((path as RegExp).source).toBe(new RegExp(pathSource).source);
    expect(p.rule.glob).toBe(spec.slice(spec.indexOf(':', spec.indexOf(':') + 1) + 1).replace(/(.)\/$/, '$1'));
  });

  it.each([
    ['', /expected hang-exec, drop-watches, expire-watch or EFFECTS:METHOD:PATH/],
    ['hang', /expected hang-exec/],
    ['status=403', /expected .*EFFECTS:METHOD:PATH/],
    ['status=403:GET', /expected .*EFFECTS:METHOD:PATH/],
    ['status=403:GET:api/v1/pods', /path "api\/v1\/pods" must start with \//],
    ['status=200:GET:/api', /status "200" is not an HTTP error code \(400-599\)/],
    ['status=forbidden:GET:/api', /status "forbidden" is not an HTTP error code/],
    ['delay=2:GET:/api', /delay "2" is not a duration/],
    ['delay=soon:GET:/api', /delay "soon" is not a duration/],
    ['times=0,status=500:GET:/api', /times "0" is not a positive integer/],
    ['watch=yes,status=500:GET:/api', /watch "yes" must be true or false/],
    ['times=2:GET:/api', /needs status=CODE or delay=DURATION/],
    ['colour=red:GET:/api', /unknown effect "colour"/],
    ['status=500:GE T:/api', /method "GE T" is not an HTTP method/],
  ])('%j is rejected', (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(FaultSpecError);
    expect(() => parseFaultSpec(spec)).toThrow(message);
  });
});

describe('pathPattern', () => {
  it.each([
    ['/api/v1/namespaces/*/events', '/api/v1/namespaces/demo/events', true],
    ['/api/v1/namespaces/*/events', '/api/v1/namespaces/a/b/events', false],
    ['/api/v1/namespaces/*/events', '/api/v1/namespaces/demo/events/x', false],
    ['/apis/apps/v1/**', '/apis/apps/v1/namespaces/demo/statefulsets/web', true],
    ['/api/v1/pods/web-*', '/api/v1/pods/web-0', true],
    ['/api/v1/x.y', '/api/v1/xzy', false],
  ])('%s matches %s: %s', (glob, path, want) => {
    expect(pathPattern(glob).test(path)).toBe(want);
  });
});

describe('FaultInjector', () => {
  it('counts hits per fault, honours times, and lists and removes faults by id', () => {
    const f = new FaultInjector({ dropWatches: () => undefined, expireWatchHistory: () => undefined });
    const a = f.addSpec('status=429,times=1:GET:/apis/**')!;
    const h = f.addSpec('hang-exec')!;
    expect(f.match('GET', '/apis/apps/v1/statefulsets', false)?.status).toBe(429);
    expect(f.match('GET', '/apis/apps/v1/statefulsets', false)).toBeUndefined();
    expect(f.takeExecHang()).toBe(true);
    expect(f.list()).toEqual([
      { id: a.id, spec: 'status=429,times=1:GET:/apis/**', method: 'GET', path: '/apis/**', status: 429, remaining: 0, hits: 1 },
      { id: h.id, spec: 'hang-exec', hangExec: true, hits: 1 },
    ]);
    expect(f.remove(h.id)).toBe(true);
    expect(f.remove(h.id)).toBe(false);
    expect(f.takeExecHang()).toBe(false);
  });

  it('performs drop-watches and expire-watch at once instead of keeping them', () => {
    const done: string[] = [];
    const f = new FaultInjector({ dropWatches: () => done.push('drop'), expireWatchHistory: () => done.push('expire') });
    expect(f.addSpec('drop-watches')).toBeUndefined();
    expect(f.addSpec('expire-watch')).toBeUndefined();
    expect(done).toEqual(['drop', 'expire']);
    expect(f.list()).toEqual([]);
  });
});
