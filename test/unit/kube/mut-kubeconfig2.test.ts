// src/kube/kubeconfig.ts, from the survivors of its mutation run (README "Mutation testing"): a kubeconfig path
// that cannot be read for another reason than missing or a directory, a user that has a token file and a basic-auth
// login, and an impersonated uid set in the kubeconfig itself.

import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.ts';
import type { KubeFlags } from '../../../src/kube/flags.ts';
import { processConfigSources, resolveConfig, type ConfigSources } from '../../../src/kube/kubeconfig.ts';

const failure = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('no error');
};

const kubeconfig = (user: string) =>
  [
    'current-context: c',
    'contexts: [{ name: c, context: { cluster: k, user: u } }]',
    'clusters: [{ name: k, cluster: { server: "https://k:6443" } }]',
    `users: [{ name: u, user: ${user} }]`,
  ].join('\n');

function sources(text: string): ConfigSources {
  return { env: { KUBECONFIG: '/k/config' }, readFile: (p) => (p === '/k/config' ? text : undefined), serviceAccountDir: '/sa' };
}
const resolve = (user: string, flags: KubeFlags = {}) => resolveConfig(flags, sources(kubeconfig(user)));

describe('a kubeconfig path that cannot be read', () => {
  it('a symlink loop is an error naming the path, neither a missing file nor "is a directory"', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sts-kubeconfig-loop-'));
    const loop = join(dir, 'config');
    symlinkSync(loop, loop);
    const message = failure(() => processConfigSources({ HOME: dir }).readFile(loop));
    expect(message).toMatch(new RegExp(`^cannot read ${loop}: .+`));
    expect(message).not.toContain('is a directory');
  });

  it('through KUBECONFIG too: the command stops instead of skipping the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sts-kubeconfig-loop-'));
    const loop = join(dir, 'config');
    symlinkSync(loop, loop);
    expect(failure(() => resolveConfig({}, processConfigSources({ HOME: dir, KUBECONFIG: loop })))).toMatch(/^cannot read /);
  });
});

describe("clientcmd's one authentication method", () => {
  it.each([
    ['a token file and a username', '{ token-file: /t, username: admin }'],
    ['a token file and a password', '{ token-file: /t, password: secret }'],
    ['a token and a username', '{ token: abc, username: admin }'],
  ])('%s: refused', (_name, user) => {
    expect(failure(() => resolve(user))).toBe(
      'more than one authentication method found for u; found [token basicAuth], only one is allowed',
    );
  });

  it.each([
    ['a token file alone', '{ token-file: /t }'],
    ['a username and password alone', '{ username: admin, password: secret }'],
  ])('%s: accepted', (_name, user) => {
    expect(resolve(user).user.name).toBe('u');
  });
});

describe('impersonation from the kubeconfig user entry', () => {
  it('as-uid with as: the uid is impersonated', () => {
    expect(resolve('{ token: t, as: alice, as-uid: "1234" }').impersonate).toEqual({ user: 'alice', groups: [], uid: '1234' });
  });

  it('as-uid without as: refused as client-go does', () => {
    expect(failure(() => resolve('{ token: t, as-uid: "1234" }'))).toBe(
      'requesting uid, groups or user-extra for u without impersonating a user',
    );
  });

  it('--as-uid overrides the kubeconfig uid', () => {
    expect(resolve('{ token: t, as: alice, as-uid: "1234" }', { asUid: '99' }).impersonate.uid).toBe('99');
  });
});
