// The sandbox's own control path, for tests and users outside the process: add, list and clear faults at run
// time with plain HTTP and the same bearer token as the API.
//
//   POST   /sandbox/v1/faults       {"spec": "status=403:GET:/api/v1/namespaces/*/events"}  -> 201 Fault (with id)
//                                  {"spec": "drop-watches"} / {"spec": "expire-watch"}     -> 200 FaultAction (done now)
//   GET    /sandbox/v1/faults       -> FaultList (each with its hits, so a test can prove a fault was served)
//   GET    /sandbox/v1/faults/ID    -> Fault
//   DELETE /sandbox/v1/faults/ID    -> the Fault removed
//   DELETE /sandbox/v1/faults       -> every fault removed (Status Success)
//
// Errors are Status bodies like the API's. The control path itself is never subject to faults, so a rule matching
// `/**` can still be cleared.

import { ApiError, errors } from '../status.ts';
import type { FaultInjector } from './faults.ts';
import { FaultSpecError } from './faultspec.ts';

export const CONTROL_PREFIX = '/sandbox/v1/faults';

const API_VERSION = 'sandbox/v1';

interface Reply {
  status: number;
  body: unknown;
}

export async function handleFaultControl(
  method: string,
  path: string,
  readBody: () => Promise<string>,
  faults: FaultInjector,
): Promise<Reply> {
  const id = path === CONTROL_PREFIX ? undefined : decodeURIComponent(path.slice(CONTROL_PREFIX.length + 1));
  const fault = (e: object) => ({ kind: 'Fault', apiVersion: API_VERSION, ...e });
  if (id === undefined) {
    if (method === 'GET') return { status: 200, body: { kind: 'FaultList', apiVersion: API_VERSION, items: faults.list().map(fault) } };
    if (method === 'DELETE') {
      faults.clear();
      return { status: 200, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 } };
    }
    if (method === 'POST') {
      const spec = specOf(await readBody());
      let added;
      try {
        added = faults.addSpec(spec);
      } catch (e) {
        if (e instanceof FaultSpecError) throw errors.badRequest(`invalid fault ${e.message}`);
        throw e;
      }
      if (added) return { status: 201, body: fault(added) };
      return { status: 200, body: { kind: 'FaultAction', apiVersion: API_VERSION, action: spec.trim() } };
    }
    throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
  }
  const entry = faults.list().find((f) => f.id === id);
  if (method !== 'GET' && method !== 'DELETE')
    throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
  if (!entry) throw new ApiError(404, 'NotFound', `fault "${id}" not found`, { name: id, kind: 'faults' });
  if (method === 'DELETE') faults.remove(id);
  return { status: 200, body: fault(entry) };
}

function specOf(text: string): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw errors.badRequest('the body must be JSON: {"spec": "SPEC"}');
  }
  const spec = (body as { spec?: unknown } | null)?.spec;
  if (typeof spec !== 'string') throw errors.badRequest('the body must be JSON: {"spec": "SPEC"}');
  return spec;
}

export function isControlPath(path: string): boolean {
  return path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`);
}
