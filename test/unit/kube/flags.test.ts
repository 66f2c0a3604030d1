// kube/ declares kubectl's connection flags without importing the CLI layer (eslint.layers.mjs forbids it), so
// the CLI's types are checked here instead: the declaration is a FlagSet the parser takes, and the hand-written
// KubeFlags is exactly the argument type the parser derives from it (a flag added to one and not the other
// fails the typecheck of this file).

import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ArgsOf, FlagSet } from '../../../src/cli/flags.ts';
import { kubeFlags, type KubeFlags } from '../../../src/kube/flags.ts';

describe("kubectl's connection flags", () => {
  it('the declaration is a FlagSet, and KubeFlags is what ArgsOf derives from it', () => {
    expectTypeOf(kubeFlags).toExtend<FlagSet>();
    expectTypeOf<ArgsOf<typeof kubeFlags>>().toEqualTypeOf<KubeFlags>();
    const names: (keyof KubeFlags)[] = ['v', 'asUid', 'clientCertificate', 'clientKey', 'tlsServerName', 'disableCompression'];
    expect(names.every((n) => Object.keys(kubeFlags).some((k) => k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) === n))).toBe(
      true,
    );
  });

  it.each([
    ['v', 'v', 0],
    ['disable-compression', undefined, false],
  ])('--%s: shorthand %s, default %s, as kubectl', (name, short, dflt) => {
    const spec = (kubeFlags as FlagSet)[name]!;
    expect(spec.short).toBe(short);
    expect(spec.default).toBe(dflt);
  });
});
