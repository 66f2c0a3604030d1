// Every test file's kubectl gets a discovery cache of its own. kubectl keeps what a server serves under
// ~/.kube/cache/discovery/HOST_PORT for hours, and sandboxes listen on ports the kernel hands out again: a
// 1.20 sandbox on a port where a newer one ran before would be asked for policy/v1 from the stale cache
// (kubectl: `Unable to list "policy/v1, Resource=poddisruptionbudgets"`). KUBECACHEDIR is kubectl's own
// variable for --cache-dir; the plugin keeps no such cache.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'sts-kubectl-cache-'));
process.env.KUBECACHEDIR = dir;
afterAll(() => rmSync(dir, { recursive: true, force: true }));
