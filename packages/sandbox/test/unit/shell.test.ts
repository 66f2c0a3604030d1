// The simulated container's commands over a real directory tree: each command's output and error texts as
// coreutils/dash/nslookup print them, redirects, quoting, exit codes, DNS with the search list, and start
// failures of unknown binaries and distroless images.

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerFs } from '../../src/kubelet/fs.ts';
import { humanSize, resolveWithSearch, runCommand, tokenize, type ShellHost } from '../../src/kubelet/shell.ts';

let root: string;
let host: ShellHost;

const DNS: Record<string, string[]> = {
  'web-1.web.default.svc.cluster.local': ['10.244.1.7'],
  'web.default.svc.cluster.local': ['10.244.0.5', '10.244.1.7'],
  'kubernetes.default.svc.cluster.local': ['10.96.0.1'],
};

function makeHost(fs: ContainerFs, over: Partial<ShellHost> = {}): ShellHost {
  return {
    fs,
    env: {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOSTNAME: 'web-0',
      HOME: '/root',
      VISITS_FILE: '/data/visits.txt',
      GREETING: 'hello world',
    },
    cwd: '/',
    hostname: 'web-0',
    fqdn: 'web-0.web.default.svc.cluster.local',
    podIP: '10.244.0.5',
    uid: 0,
    gid: 0,
    dns: (n) => DNS[n],
    search: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
    nameserver: '10.96.0.10',
    sleep: async () => {},
    now: () => new Date(),
    hasShell: true,
    ...over,
  };
}

async function run(argv: string[], opts: { stdin?: string; host?: ShellHost } = {}) {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const res = await runCommand(argv, opts.host ?? host, {
    stdin: async () => Buffer.from(opts.stdin ?? ''),
    stdout: (b) => out.push(b),
    stderr: (b) => err.push(b),
    signal: new AbortController().signal,
  });
  return {
    code: res.exitCode,
    startError: res.startError,
    out: Buffer.concat(out).toString('latin1'),
    err: Buffer.concat(err).toString('utf8'),
  };
}

const sh = (script: string) => run(['sh', '-c', script]);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'shell-test-'));
  await mkdir(join(root, 'vol', 'sub'), { recursive: true });
  await mkdir(join(root, 'cfg'), { recursive: true });
  await writeFile(join(root, 'vol', 'visits.txt'), '3\n');
  await writeFile(join(root, 'vol', 'lines.txt'), 'one\ntwo\nthree\nfour\n');
  await writeFile(join(root, 'vol', 'bin.dat'), Buffer.from([0, 1, 2, 255, 254, 10]));
  await writeFile(join(root, 'cfg', 'app.conf'), 'mode=prod\n');
  const fs = new ContainerFs({
    rootDir: join(root, 'rootfs'),
    mounts: [
      { mountPath: '/data', hostPath: join(root, 'vol'), readOnly: false, volume: 'data', device: '/dev/sdb', capacityBytes: 1024 ** 3 },
      { mountPath: '/etc/config', hostPath: join(root, 'cfg'), readOnly: true, volume: 'config', device: '/dev/vda1' },
    ],
    rootFiles: {
      '/etc/hostname': 'web-0\n',
      '/etc/hosts': '127.0.0.1\tlocalhost\n10.244.0.5\tweb-0.web.default.svc.cluster.local\tweb-0\n',
      '/etc/resolv.conf': 'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n',
    },
    rootDirs: ['tmp', 'bin'],
  });
  host = makeHost(fs);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('commands', () => {
  it.each([
    ['cat one file', ['cat', '/data/visits.txt'], '3\n', '', 0],
    ['cat several files', ['cat', '/data/visits.txt', '/etc/config/app.conf'], '3\nmode=prod\n', '', 0],
    ['cat a missing file', ['cat', '/x'], '', 'cat: /x: No such file or directory\n', 1],
    ['cat a directory', ['cat', '/data'], '', 'cat: /data: Is a directory\n', 1],
    ['cat relative to the working directory', ['cat', 'data/visits.txt'], '3\n', '', 0],
    ['head -n', ['head', '-n', '2', '/data/lines.txt'], 'one\ntwo\n', '', 0],
    ['head -c', ['head', '-c', '5', '/data/lines.txt'], 'one\nt', '', 0],
    ['tail -n', ['tail', '-n', '1', '/data/lines.txt'], 'four\n', '', 0],
    ['ls a directory', ['ls', '/data'], 'bin.dat\nlines.txt\nsub\nvisits.txt\n', '', 0],
    ['ls a missing path', ['ls', '/nope'], '', "ls: cannot access '/nope': No such file or directory\n", 2],
    ['stat -c %s', ['stat', '-c', '%s', '/data/visits.txt'], '2\n', '', 0],
    ['stat of a missing file', ['stat', '/x'], '', "stat: cannot statx '/x': No such file or directory\n", 1],
    ['echo', ['echo', 'a', 'b'], 'a b\n', '', 0],
    ['echo -n', ['echo', '-n', 'a'], 'a', '', 0],
    ['printf', ['printf', '%s=%d\\n', 'a', '1', 'b', '2'], 'a=1\nb=2\n', '', 0],
    ['true', ['true'], '', '', 0],
    ['false', ['false'], '', '', 1],
    ['test -f', ['test', '-f', '/data/visits.txt'], '', '', 0],
    ['[ -d ] on a file', ['[', '-d', '/data/visits.txt', ']'], '', '', 1],
    ['hostname', ['hostname'], 'web-0\n', '', 0],
    ['hostname -f', ['hostname', '-f'], 'web-0.web.default.svc.cluster.local\n', '', 0],
    ['hostname -i', ['hostname', '-i'], '10.244.0.5\n', '', 0],
    ['id', ['id'], 'uid=0(root) gid=0(root) groups=0(root)\n', '', 0],
    ['wc -c of a file', ['wc', '-c', '/data/visits.txt'], '2 /data/visits.txt\n', '', 0],
    ['wc -l of stdin', ['wc', '-l'], '4\n', '', 0],
    ['printenv', ['printenv', 'VISITS_FILE'], '/data/visits.txt\n', '', 0],
    ['sleep', ['sleep', '1'], '', '', 0],
    [
      'getent hosts of a pod DNS name',
      ['getent', 'hosts', 'web-1.web.default.svc.cluster.local'],
      '10.244.1.7      web-1.web.default.svc.cluster.local\n',
      '',
      0,
    ],
    ['getent hosts via the search list', ['getent', 'hosts', 'web-1.web'], '10.244.1.7      web-1.web.default.svc.cluster.local\n', '', 0],
    [
      'getent hosts of the own name from /etc/hosts',
      ['getent', 'hosts', 'web-0'],
      '10.244.0.5      web-0.web.default.svc.cluster.local web-0\n',
      '',
      0,
    ],
    ['getent hosts of an unknown name', ['getent', 'hosts', 'nope.web'], '', '', 2],
  ] as const)('%s', async (_name, argv, out, err, code) => {
    const r = await run([...argv], { stdin: 'a\nb\nc\nd\n' });
    expect({ out: r.out, err: r.err, code: r.code }).toEqual({ out, err, code });
  });

  it('cat is binary-safe', async () => {
    const r = await run(['cat', '/data/bin.dat']);
    expect(Buffer.from(r.out, 'latin1')).toEqual(Buffer.from([0, 1, 2, 255, 254, 10]));
  });

  it('ls -la lists entries with mode, size and name, dot entries first', async () => {
    const r = await run(['ls', '-la', '/data']);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/^total \d+$/);
    expect(lines[1]).toMatch(/^drwxr-xr-x\s+\d+ root root\s+\d+ \w{3} [ \d]\d \d\d:\d\d \.$/);
    expect(lines.at(-1)).toMatch(/^-rw-r--r--\s+1 root root\s+2 \w{3} [ \d]\d \d\d:\d\d visits\.txt$/);
  });

  it('stat prints the GNU long form', async () => {
    const r = await run(['stat', '/data/visits.txt']);
    expect(r.out).toMatch(/^ {2}File: \/data\/visits\.txt\n {2}Size: 2\s+\tBlocks: \d+\s+IO Block: 4096 {3}regular file\n/);
    expect(r.out).toContain('Access: (0644/-rw-r--r--)');
  });

  it.each([
    [
      'df -h',
      ['df', '-h', '/data'],
      /^Filesystem {6}Size {2}Used Avail Use% Mounted on\n\/dev\/sdb {8}1\.0G +\S+ {2}1\.0G {3}1% \/data\n$/,
    ],
    [
      'df in 1K blocks',
      ['df', '/data'],
      /^Filesystem {5}1K-blocks +Used Available Use% Mounted on\n\/dev\/sdb +1048576 +\d+ +\d+ +1% \/data\n$/,
    ],
  ] as const)('%s shows the volume as its own filesystem of the PVC size', async (_n, argv, re) => {
    expect((await run([...argv])).out).toMatch(re);
  });
});

describe('sh -c', () => {
  it.each([
    ['&& runs on success', 'true && echo yes', 'yes\n', '', 0],
    ['&& skips on failure', 'false && echo yes', '', '', 1],
    ['|| runs on failure', 'false || echo fallback', 'fallback\n', '', 0],
    ['; runs both', 'echo a; echo b', 'a\nb\n', '', 0],
    ['$VAR from the container env', 'echo $VISITS_FILE', '/data/visits.txt\n', '', 0],
    ['${VAR} and quotes', 'echo "${GREETING}!" \'$GREETING\'', 'hello world! $GREETING\n', '', 0],
    ['unquoted expansion splits fields', 'printf "[%s]" $GREETING', '[hello][world]', '', 0],
    ['$? is the last status', 'false; echo $?', '1\n', '', 0],
    ['$(...) substitutes output', 'echo visits=$(cat /data/visits.txt)', 'visits=3\n', '', 0],
    ['pipe', 'cat /data/lines.txt | wc -l', '4\n', '', 0],
    ['pipe into grep', 'cat /data/lines.txt | grep t', 'two\nthree\n', '', 0],
    ['2>&1 merges stderr', 'cat /nope 2>&1', 'cat: /nope: No such file or directory\n', '', 1],
    ['2>/dev/null drops stderr', 'cat /nope 2>/dev/null', '', '', 1],
    ['unknown command', 'frobnicate', '', 'sh: 1: frobnicate: not found\n', 127],
    ['exit code', 'exit 3', '', '', 3],
    ['cd then relative path', 'cd /data && cat visits.txt', '3\n', '', 0],
    ['glob', 'ls /data/*.txt', '/data/lines.txt\n/data/visits.txt\n', '', 0],
    ['unterminated quote', "echo 'x", '', 'sh: 1: Syntax error: Unterminated quoted string\n', 2],
    ['write to a read-only volume', 'echo x > /etc/config/y', '', 'sh: 1: cannot create /etc/config/y: Read-only file system\n', 2],
    ['touch on a read-only volume', 'touch /etc/config/y', '', "touch: cannot touch '/etc/config/y': Read-only file system\n", 1],
    ['test with [ ]', '[ -s /data/visits.txt ] && echo non-empty', 'non-empty\n', '', 0],
    ['env assignment prefix', 'FOO=bar printenv FOO', 'bar\n', '', 0],
  ] as const)('%s', async (_name, script, out, err, code) => {
    const r = await sh(script);
    expect({ out: r.out, err: r.err, code: r.code }).toEqual({ out, err, code });
  });

  it('> and >> write files on the volume; mkdir -p, rm', async () => {
    expect((await sh('mkdir -p /data/a/b && echo one > /data/a/b/f && echo two >> /data/a/b/f')).code).toBe(0);
    expect(await readFile(join(root, 'vol', 'a', 'b', 'f'), 'utf8')).toBe('one\ntwo\n');
    expect((await sh('echo new > /data/a/b/f; cat /data/a/b/f')).out).toBe('new\n');
    expect((await sh('rm /data/a')).err).toBe("rm: cannot remove '/data/a': Is a directory\n");
    expect((await sh('rm -rf /data/a && ls /data/a')).code).toBe(2);
  });

  it('writes outside volumes go to the container layer, not the volume', async () => {
    await sh('echo layer > /tmp/x');
    expect((await run(['cat', '/tmp/x'])).out).toBe('layer\n');
    expect((await run(['ls', '/data'])).out).not.toContain('x\n');
  });

  it('paths cannot escape the container root', async () => {
    expect((await run(['cat', '/../../../../etc/hostname'])).out).toBe('web-0\n');
  });

  it.each([
    ['a | at the start', '| echo', /Syntax error/],
    ['if is not supported', 'if true; then echo; fi', /Syntax error: "if" unexpected/],
  ])('%s is a syntax error', async (_n, script, re) => {
    const r = await sh(script);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(re);
  });

  it('tokenizes operators, quotes and variables', () => {
    const toks = tokenize(`a "b $X" 'c' >> f && d 2>&1`);
    expect(toks.map((t) => (t.t === 'op' ? t.op : t.parts.map((p) => `${p.kind}:${p.text}`).join('+')))).toEqual([
      'lit:a',
      'lit:b +var:X',
      'lit:c',
      '>>',
      'lit:f',
      '&&',
      'lit:d',
      '2>&1',
    ]);
  });
});

describe('tar (what kubectl cp runs)', () => {
  it('tar cf - then tar -xmf - -C copies a tree, leading / removed', async () => {
    const created = await run(['tar', 'cf', '-', '/data/lines.txt', '/data/sub']);
    expect(created.code).toBe(0);
    expect(created.err).toBe("tar: Removing leading `/' from member names\n");
    const archive = Buffer.from(created.out, 'latin1');
    expect(archive.length % 512).toBe(0);
    expect(archive.subarray(257, 262).toString()).toBe('ustar');
    const listed = await runCommand(['tar', 'tf', '-'], host, {
      stdin: async () => archive,
      stdout: () => {},
      stderr: () => {},
      signal: new AbortController().signal,
    });
    expect(listed.exitCode).toBe(0);
    const out: Buffer[] = [];
    await runCommand(['tar', 'tf', '-'], host, {
      stdin: async () => archive,
      stdout: (b) => out.push(b),
      stderr: () => {},
      signal: new AbortController().signal,
    });
    expect(Buffer.concat(out).toString()).toBe('data/lines.txt\ndata/sub/\n');
    const x = await runCommand(['tar', '-xmf', '-', '-C', '/tmp/copy'], host, {
      stdin: async () => archive,
      stdout: () => {},
      stderr: () => {},
      signal: new AbortController().signal,
    });
    expect(x.exitCode).toBe(0);
    expect((await run(['cat', '/tmp/copy/data/lines.txt'])).out).toBe('one\ntwo\nthree\nfour\n');
  });

  it('tail -c +N starts at byte N (kubectl cp --retries)', async () => {
    expect((await run(['tail', '-c', '+5', '/data/lines.txt'])).out).toBe('two\nthree\nfour\n');
  });
});

describe('starting processes', () => {
  it('an unknown binary fails to start as runc reports it', async () => {
    const r = await run(['frobnicate', '-x']);
    expect(r.startError).toMatch(
      /^error executing command in container: failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "frobnicate": executable file not found in \$PATH: unknown$/,
    );
  });

  it('an absolute path that does not exist', async () => {
    const r = await run(['/opt/app/run']);
    expect(r.startError).toMatch(/unable to start container process: stat \/opt\/app\/run: no such file or directory: unknown$/);
  });

  it('/bin/cat runs cat', async () => {
    expect((await run(['/bin/cat', '/data/visits.txt'])).out).toBe('3\n');
  });

  it.each([['cat', '/data/visits.txt'], ['sh', '-c', 'echo hi'], ['ls']])('a distroless image cannot start %s', async (...argv) => {
    const r = await run(argv, { host: makeHost(host.fs, { hasShell: false }) });
    expect(r.startError).toContain(`exec: "${argv[0]}": executable file not found in $PATH: unknown`);
  });

  it('sh reads its script from stdin when given no -c', async () => {
    async function* chunks() {
      yield Buffer.from('echo one\necho t');
      yield Buffer.from('wo\n');
    }
    const out: Buffer[] = [];
    const res = await runCommand(['sh'], host, {
      stdin: async () => Buffer.alloc(0),
      stdinStream: chunks(),
      stdout: (b) => out.push(b),
      stderr: () => {},
      signal: new AbortController().signal,
    });
    expect(res.exitCode).toBe(0);
    expect(Buffer.concat(out).toString()).toBe('one\ntwo\n');
  });
});

describe('kubectl exec -it ... sh', () => {
  it('echoes keystrokes, runs each line on Enter, handles backspace and ^D', async () => {
    async function* keys() {
      for (const k of ['e', 'c', 'h', 'o', ' ', 'x', 'y', '\x7f', '\r', 'e', 'x', 'i', 't', ' ', '4', '\r']) yield Buffer.from(k);
    }
    const out: Buffer[] = [];
    const res = await runCommand(['sh'], host, {
      stdin: async () => Buffer.alloc(0),
      stdinStream: keys(),
      stdout: (b) => out.push(b),
      stderr: (b) => out.push(b),
      signal: new AbortController().signal,
    });
    expect(res.exitCode).toBe(4);
    expect(Buffer.concat(out).toString()).toBe('# echo xy\b \b\r\nx\r\n# exit 4\r\n');
  });
});

describe('nslookup', () => {
  it.each([
    [
      'a pod of a headless service',
      'web-1.web.default.svc.cluster.local',
      'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tweb-1.web.default.svc.cluster.local\nAddress: 10.244.1.7\n\n',
      0,
    ],
    [
      'a short name through the search list',
      'web-1.web',
      'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tweb-1.web.default.svc.cluster.local\nAddress: 10.244.1.7\n\n',
      0,
    ],
    [
      'a headless service: every ready pod',
      'web',
      'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tweb.default.svc.cluster.local\nAddress: 10.244.0.5\nName:\tweb.default.svc.cluster.local\nAddress: 10.244.1.7\n\n',
      0,
    ],
    ['an unknown name', 'web-9.web', "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n** server can't find web-9.web: NXDOMAIN\n\n", 1],
  ] as const)('%s', async (_n, name, out, code) => {
    const r = await run(['nslookup', name]);
    expect({ out: r.out, code: r.code }).toEqual({ out, code });
  });

  it.each([
    ['web-1.web', ['web-1.web.default.svc.cluster.local']],
    ['kubernetes.default', ['kubernetes.default.svc.cluster.local']],
    ['web-1.web.default.svc.cluster.local.', ['web-1.web.default.svc.cluster.local']],
    ['web-1', undefined],
  ] as const)('%s resolves with ndots:5 and the search list to %j', (name, names) => {
    const a = resolveWithSearch(name, host);
    expect(a ? [a.name] : undefined).toEqual(names);
  });
});

describe('humanSize', () => {
  it.each([
    [0, '0'],
    [1023, '1023'],
    [1024, '1.0K'],
    [8192, '8.0K'],
    [1073733632, '1.0G'],
    [1024 ** 3, '1.0G'],
    [15 * 1024 ** 2 + 1, '16M'],
  ])('%d bytes -> %s', (n, s) => {
    expect(humanSize(n)).toBe(s);
  });
});

describe('device files every container has', () => {
  it.each([
    [
      'head -c N /dev/zero fills a file with N zero bytes',
      'head -c 6000000 /dev/zero > /data/blob && wc -c < /data/blob && rm /data/blob',
      '6000000\n',
    ],
    ['/dev/zero reads as zeros', 'head -c 3 /dev/zero | grep -c x; head -c 5 /dev/zero | wc -c', '0\n5\n'],
    ['/dev/urandom gives as many bytes as asked', 'head -c 32 /dev/urandom | wc -c', '32\n'],
    ['writes to /dev/null vanish and it reads empty', 'echo gone > /dev/null; cat /dev/null | wc -c', '0\n'],
    ['/dev lists the devices', 'ls /dev', 'null\nrandom\nurandom\nzero\n'],
    ['they exist for test -e', '[ -e /dev/zero ] && [ -e /dev/urandom ] && echo yes', 'yes\n'],
  ] as const)('%s', async (_name, script, out) => {
    const r = await sh(script);
    expect({ out: r.out, err: r.err, code: r.code }).toEqual({ out, err: '', code: 0 });
  });

  it('two reads of /dev/urandom differ', async () => {
    const a = (await run(['head', '-c', '16', '/dev/urandom'])).out;
    const b = (await run(['head', '-c', '16', '/dev/urandom'])).out;
    expect(a).toHaveLength(16);
    expect(a).not.toBe(b);
  });
});
