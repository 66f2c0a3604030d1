// The macOS release archives, cross-built here (scripts/package.mjs: Node from npm, its signature removed, the
// SEA blob injected, an ad-hoc signature by scripts/macho-sign.mjs): nothing here can run them, so they are
// checked as macOS would before running one. The binary of each archive is a Mach-O for its CPU, signed ad hoc,
// every page hash recomputed by an independent parser (test/helpers/macho.ts) matches, and a second parser,
// Debian's python3-macholib (scripts/ensure-macholib.sh installs it), reads the same load commands: the
// signature last, inside __LINKEDIT, which ends at the end of the file, the SEA blob in its own segment.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badPages, hashOf, readSignature, type Signature } from '../helpers/macho.ts';

const root = resolve(import.meta.dirname, '../..');
const dist = join(root, 'dist');
const bundle = join(dist, 'kubectl-sts_inspect.cjs');
const node24 = join(root, 'node_modules', 'node', 'bin', 'node');
const NAME = 'kubectl-sts_inspect';
const TARGETS = { 'darwin-arm64': { cputype: 0x0100000c, macholib: 'ARM64' }, 'darwin-x64': { cputype: 0x01000007, macholib: 'x86_64' } };
type Target = keyof typeof TARGETS;
const archiveOf = (t: Target) => join(dist, `${NAME}-${t}.tar.gz`);
const mtime = (f: string) => (existsSync(f) ? statSync(f).mtimeMs : 0);

interface MacholibCommand {
  cmd: string;
  cmdsize: number;
  segname?: string;
  vmsize?: number;
  fileoff?: number;
  filesize?: number;
  dataoff?: number;
  datasize?: number;
}
interface Macholib {
  headers: { cputype: string; filetype: string; ncmds: number; sizeofcmds: number; commands: MacholibCommand[] }[];
}

let dir: string;
const binaries = {} as Record<Target, { file: Buffer; sig: Signature; macholib: Macholib }>;

beforeAll(() => {
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` (npm test does)`);
  const stale = (Object.keys(TARGETS) as Target[]).filter((t) => mtime(archiveOf(t)) < mtime(bundle));
  // Node for both from npm (cached in .cache/node): about a minute each the first time.
  if (stale.length)
    execFileSync(node24, [join(root, 'scripts', 'package.mjs'), '--no-build', '--no-verify', '--target', stale.join(',')], {
      cwd: root,
      stdio: 'ignore',
    });
  dir = mkdtempSync(join(tmpdir(), 'sts-inspect-darwin-'));
  for (const t of Object.keys(TARGETS) as Target[]) {
    const to = join(dir, t);
    execFileSync('mkdir', ['-p', to]);
    execFileSync('tar', ['-xzf', archiveOf(t), '-C', to]);
    const path = join(to, NAME);
    const file = readFileSync(path);
    const macholib = JSON.parse(
      execFileSync('/usr/bin/python3', [join(root, 'test', 'release', 'macholib-check.py'), path], {
        encoding: 'utf8',
        maxBuffer: 16 << 20,
      }),
    ) as Macholib;
    binaries[t] = { file, sig: readSignature(file), macholib };
  }
}, 600_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(Object.keys(TARGETS) as Target[])('the %s archive’s binary', (target) => {
  it('is a Mach-O executable for its CPU', () => {
    const { sig, macholib } = binaries[target];
    expect(sig.cputype).toBe(TARGETS[target].cputype);
    expect(sig.filetype).toBe(2); // MH_EXECUTE
    expect(macholib.headers).toHaveLength(1); // thin, not universal
    expect(macholib.headers[0]).toMatchObject({ cputype: TARGETS[target].macholib, filetype: 'execute' });
  });

  it('is signed ad hoc, with only a SHA-256 CodeDirectory and an empty requirements set (Node’s signature is gone)', () => {
    const { sig } = binaries[target];
    expect([...sig.blobs.keys()]).toEqual([0, 2]); // no alternate CodeDirectory (0x1000), no CMS (0x10000): not Apple's
    expect(sig.codeDirectories).toHaveLength(1);
    const cd = sig.codeDirectories[0]!;
    expect(cd).toMatchObject({ flags: 0x2, hashType: 2, pageSize: 4096, identifier: NAME, codeLimit: sig.dataoff });
    const requirements = sig.blobs.get(2)!;
    expect(requirements.toString('hex')).toBe('fade0c010000000c00000000');
    expect(cd.special.get(-2)).toEqual(hashOf('sha256', requirements));
    const text = sig.segments.find((s) => s.name === '__TEXT')!;
    expect({ base: cd.execSegBase, limit: cd.execSegLimit, flags: cd.execSegFlags }).toEqual({
      base: BigInt(text.fileoff),
      limit: BigInt(text.filesize),
      flags: 1n,
    });
  });

  it('has a correct hash for every 4096-byte page up to the signature', () => {
    const { file, sig } = binaries[target];
    const cd = sig.codeDirectories[0]!;
    expect(cd.nCodeSlots).toBe(Math.ceil(sig.dataoff / 4096));
    expect(cd.nCodeSlots).toBeGreaterThan(20_000); // the whole ~100 MB binary, SEA blob included
    expect(badPages(file, cd)).toEqual([]);
  });

  it('has load commands python3-macholib reads alike: the signature inside __LINKEDIT at the end, the blob in NODE_SEA', () => {
    const { file, sig, macholib } = binaries[target];
    const commands = macholib.headers[0]!.commands;
    const signature = commands.filter((c) => c.cmd === 'LC_CODE_SIGNATURE');
    expect(signature).toEqual([{ cmd: 'LC_CODE_SIGNATURE', cmdsize: 16, dataoff: sig.dataoff, datasize: sig.datasize }]);
    expect(sig.dataoff % 16).toBe(0);
    expect(sig.dataoff + sig.datasize).toBe(file.length);
    const segments = commands.filter((c) => c.cmd === 'LC_SEGMENT_64');
    expect(segments.map((s) => s.segname)).toEqual(sig.segments.map((s) => s.name));
    const linkedit = segments.at(-1)!;
    expect(linkedit.segname).toBe('__LINKEDIT');
    expect(linkedit.fileoff! + linkedit.filesize!).toBe(file.length);
    expect(linkedit.vmsize!).toBeGreaterThanOrEqual(linkedit.filesize!);
    // Segments with file content follow one another without overlap.
    const inFile = segments.filter((s) => s.filesize! > 0).sort((a, b) => a.fileoff! - b.fileoff!);
    for (let i = 1; i < inFile.length; i++)
      expect(inFile[i]!.fileoff!).toBeGreaterThanOrEqual(inFile[i - 1]!.fileoff! + inFile[i - 1]!.filesize!);
    const sea = segments.find((s) => s.segname === 'NODE_SEA')!;
    expect(sea.filesize!).toBeGreaterThan(statSync(bundle).size / 2);
    expect(file.includes('NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1')).toBe(true); // the fuse postject flips
  });
});
