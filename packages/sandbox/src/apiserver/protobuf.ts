// kubectl's typed clients (`kubectl create namespace|configmap|secret|serviceaccount|pdb`, the evictions of
// `kubectl drain`) send request bodies as Kubernetes protobuf (`application/vnd.kubernetes.protobuf`: "k8s\0"
// then a runtime.Unknown envelope). The sandbox decodes those few kinds into JSON objects; responses are JSON,
// which these clients accept, except /openapi/v2, which kubectl only reads as protobuf (encodeMessage writes it).
import { errors } from '../status.ts';

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

interface Field {
  no: number;
  wire: number;
  value: Buffer | number;
}

function readVarint(buf: Buffer, pos: number): [number, number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++]!;
    result += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) return [result, pos];
    shift += 7;
  }
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, p1] = readVarint(buf, pos);
    pos = p1;
    const no = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0) {
      const [v, p2] = readVarint(buf, pos);
      out.push({ no, wire, value: v });
      pos = p2;
    } else if (wire === 2) {
      const [len, p2] = readVarint(buf, pos);
      out.push({ no, wire, value: buf.subarray(p2, p2 + len) });
      pos = p2 + len;
    } else if (wire === 1) {
      pos += 8;
    } else if (wire === 5) {
      pos += 4;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

const str = (f: Field) => (f.value as Buffer).toString('utf8');

function map(fs: Field[], no: number, asBase64 = false): Record<string, string> | undefined {
  const entries = fs.filter((f) => f.no === no);
  if (!entries.length) return undefined;
  const out: Record<string, string> = {};
  for (const e of entries) {
    const kv = fields(e.value as Buffer);
    const k = kv.find((f) => f.no === 1);
    const v = kv.find((f) => f.no === 2);
    out[k ? str(k) : ''] = v ? (asBase64 ? (v.value as Buffer).toString('base64') : str(v)) : '';
  }
  return out;
}

function objectMeta(buf: Buffer): Record<string, unknown> {
  const fs = fields(buf);
  const meta: Record<string, unknown> = {};
  for (const f of fs) {
    if (f.no === 1) meta.name = str(f);
    if (f.no === 2 && str(f)) meta.generateName = str(f);
    if (f.no === 3) meta.namespace = str(f);
  }
  const labels = map(fs, 11);
  const annotations = map(fs, 12);
  if (labels) meta.labels = labels;
  if (annotations) meta.annotations = annotations;
  return meta;
}

/** intstr.IntOrString: type 0 (int) with intVal, or type 1 (string) with strVal. */
function intOrString(buf: Buffer): number | string {
  const fs = fields(buf);
  const type = fs.find((f) => f.no === 1)?.value ?? 0;
  if (type === 1) {
    const s = fs.find((f) => f.no === 3);
    return s ? str(s) : '';
  }
  return Number(fs.find((f) => f.no === 2)?.value ?? 0);
}

function labelSelector(buf: Buffer): Record<string, unknown> {
  const fs = fields(buf);
  const sel: Record<string, unknown> = {};
  const matchLabels = map(fs, 1);
  if (matchLabels) sel.matchLabels = matchLabels;
  const exprs = fs
    .filter((f) => f.no === 2)
    .map((f) => {
      const e = fields(f.value as Buffer);
      const key = e.find((x) => x.no === 1);
      const op = e.find((x) => x.no === 2);
      const values = e.filter((x) => x.no === 3).map(str);
      return { key: key ? str(key) : '', operator: op ? str(op) : '', ...(values.length ? { values } : {}) };
    });
  if (exprs.length) sel.matchExpressions = exprs;
  return sel;
}

/** policy PodDisruptionBudgetSpec: minAvailable 1, selector 2, maxUnavailable 3, unhealthyPodEvictionPolicy 4. */
function pdbSpec(buf: Buffer): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  for (const f of fields(buf)) {
    if (f.no === 1) spec.minAvailable = intOrString(f.value as Buffer);
    if (f.no === 2) spec.selector = labelSelector(f.value as Buffer);
    if (f.no === 3) spec.maxUnavailable = intOrString(f.value as Buffer);
    if (f.no === 4) spec.unhealthyPodEvictionPolicy = str(f);
  }
  return spec;
}

/** meta DeleteOptions: gracePeriodSeconds 1, preconditions 2, orphanDependents 3, propagationPolicy 4, dryRun 5. */
function deleteOptions(buf: Buffer): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const dryRun: string[] = [];
  for (const f of fields(buf)) {
    if (f.no === 1) out.gracePeriodSeconds = Number(f.value);
    if (f.no === 2) {
      const pre: Record<string, string> = {};
      for (const p of fields(f.value as Buffer)) {
        if (p.no === 1) pre.uid = str(p);
        if (p.no === 2) pre.resourceVersion = str(p);
      }
      out.preconditions = pre;
    }
    if (f.no === 3) out.orphanDependents = f.value === 1;
    if (f.no === 4) out.propagationPolicy = str(f);
    if (f.no === 5) dryRun.push(str(f));
  }
  if (dryRun.length) out.dryRun = dryRun;
  return out;
}

function decodeObject(kind: string, raw: Buffer): Record<string, unknown> {
  const fs = fields(raw);
  const metaField = fs.find((f) => f.no === 1);
  const obj: Record<string, unknown> = { metadata: metaField ? objectMeta(metaField.value as Buffer) : {} };
  switch (kind) {
    case 'Namespace': {
      const spec = fs.find((f) => f.no === 2);
      if (spec) {
        const fin = fields(spec.value as Buffer)
          .filter((f) => f.no === 1)
          .map(str);
        if (fin.length) obj.spec = { finalizers: fin };
      }
      break;
    }
    case 'ConfigMap': {
      const data = map(fs, 2);
      const binaryData = map(fs, 3, true);
      if (data) obj.data = data;
      if (binaryData) obj.binaryData = binaryData;
      const imm = fs.find((f) => f.no === 4);
      if (imm) obj.immutable = imm.value === 1;
      break;
    }
    case 'Secret': {
      const data = map(fs, 2, true);
      if (data) obj.data = data;
      const type = fs.find((f) => f.no === 3);
      if (type) obj.type = str(type);
      const stringData = map(fs, 4);
      if (stringData) obj.stringData = stringData;
      const imm = fs.find((f) => f.no === 5);
      if (imm) obj.immutable = imm.value === 1;
      break;
    }
    case 'ServiceAccount':
      break;
    case 'PodDisruptionBudget': {
      const spec = fs.find((f) => f.no === 2);
      obj.spec = spec ? pdbSpec(spec.value as Buffer) : {};
      break;
    }
    case 'Eviction': {
      const opts = fs.find((f) => f.no === 2);
      if (opts) obj.deleteOptions = deleteOptions(opts.value as Buffer);
      break;
    }
    default:
      throw errors.badRequest(`the sandbox API server cannot decode ${kind} sent as protobuf; send JSON`);
  }
  return obj;
}

/** A protobuf request body as the JSON object it encodes. */
export function decodeProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw errors.badRequest('the body of the request was in an unknown format');
  try {
    const envelope = fields(body.subarray(4));
    const typeMeta = envelope.find((f) => f.no === 1);
    const raw = envelope.find((f) => f.no === 2);
    const tm = typeMeta ? fields(typeMeta.value as Buffer) : [];
    const apiVersion = tm.find((f) => f.no === 1);
    const kind = tm.find((f) => f.no === 2);
    const kindName = kind ? str(kind) : '';
    const obj = decodeObject(kindName, raw ? (raw.value as Buffer) : Buffer.alloc(0));
    return { apiVersion: apiVersion ? str(apiVersion) : 'v1', kind: kindName, ...obj };
  } catch (err) {
    if (err instanceof Error && 'code' in err) throw err;
    throw errors.badRequest(`the body of the request was in an unknown format: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return Buffer.from(out);
}

/** A field of a message to encode: a string or an encoded sub-message (length-delimited), or a list of them. */
export type ProtoField = [no: number, value: string | Buffer | (string | Buffer)[] | undefined];

/** A protobuf message of length-delimited fields (strings, sub-messages), in the order given. */
export function encodeMessage(fieldList: ProtoField[]): Buffer {
  const parts: Buffer[] = [];
  for (const [no, value] of fieldList) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      const bytes = typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
      parts.push(varint(no * 8 + 2), varint(bytes.length), bytes);
    }
  }
  return Buffer.concat(parts);
}
