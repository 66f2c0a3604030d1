// Every test file gets a temporary directory of its own, removed when the file's tests end, so a run leaves
// nothing in /tmp: TMPDIR points into it (os.tmpdir() and the processes the tests start read it), and so does
// kubectl's discovery cache. kubectl keeps what a server serves under ~/.kube/cache/discovery/HOST_PORT for
// hours, and sandboxes listen on ports the kernel hands out again: a 1.20 sandbox on a port where a newer one
// ran before would be asked for policy/v1 from the stale cache (kubectl: `Unable to list "policy/v1,
// Resource=poddisruptionbudgets"`). KUBECACHEDIR is kubectl's own variable for --cache-dir; the plugin keeps no
// such cache.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'sts-test-'));
process.env.TMPDIR = dir;
process.env.KUBECACHEDIR = join(dir, 'kubectl-cache');
mkdirSync(process.env.KUBECACHEDIR);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
