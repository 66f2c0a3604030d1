// Evaluating a parsed JSONPath template over a decoded JSON document, step for step as client-go's
// jsonpath.go does (FindResults with its range/end bookkeeping, walk, the eval* functions, PrintResults).

import { GoFloat, goJson, goValue } from './goPrint.ts';
import { JsonPathError, type JsonPathTemplate, type ListNode, type Node } from './jsonpathNodes.ts';

type Value = unknown;
type Kind = 'nil' | 'bool' | 'int' | 'float' | 'string' | 'slice' | 'map';

function kindOf(v: Value): Kind {
  if (v === null || v === undefined) return 'nil';
  if (v instanceof GoFloat) return 'float';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'string';
  return Array.isArray(v) ? 'slice' : 'map';
}

/** reflect's Type().String() of a decoded JSON value, as error messages name it. */
function goType(v: Value): string {
  const names: Record<Kind, string> = {
    nil: 'interface {}',
    bool: 'bool',
    int: 'int64',
    float: 'float64',
    string: 'string',
    slice: '[]interface {}',
    map: 'map[string]interface {}',
  };
  return names[kindOf(v)];
}

const num = (v: Value) => (v instanceof GoFloat ? v.value : (v as number));

/** The forked text/template comparisons: basic kinds only, both sides of one kind. */
function basicKind(v: Value): Kind {
  const k = kindOf(v);
  if (k === 'nil' || k === 'slice' || k === 'map') throw new JsonPathError('invalid type for comparison');
  return k;
}
function equal(a: Value, b: Value): boolean {
  const [ka, kb] = [basicKind(a), basicKind(b)];
  if (ka !== kb) throw new JsonPathError('incompatible types for comparison');
  return ka === 'int' || ka === 'float' ? num(a) === num(b) : a === b;
}
function less(a: Value, b: Value): boolean {
  const [ka, kb] = [basicKind(a), basicKind(b)];
  if (ka !== kb) throw new JsonPathError('incompatible types for comparison');
  if (ka === 'bool') throw new JsonPathError('invalid type for comparison');
  if (ka === 'string') return (a as string) < (b as string);
  return num(a) < num(b);
}
function compare(op: string, a: Value, b: Value): boolean {
  switch (op) {
    case '<':
      return less(a, b);
    case '>':
      return !(less(a, b) || equal(a, b));
    case '==':
      return equal(a, b);
    case '!=':
      return !equal(a, b);
    case '<=':
      return less(a, b) || equal(a, b);
    case '>=':
      return !less(a, b);
    case '=~':
      if (typeof a !== 'string' || typeof b !== 'string')
        throw new JsonPathError(`regexp search only support string now but getting pattern: ${goValue(b)}, data: ${goValue(a)}`);
      return new RegExp(b, 'u').test(a);
    default:
      throw new JsonPathError(`unrecognized filter operator ${op}`);
  }
}

const isMap = (v: Value): v is Record<string, Value> => kindOf(v) === 'map';
const isNil = (v: Value) => v === null || v === undefined;

/** The children `*` and `..` visit: a map's values, a list's elements, a string's bytes. */
function children(v: Value): Value[] {
  if (isMap(v)) return Object.values(v);
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...Buffer.from(v, 'utf8')];
  return [];
}

class Evaluator {
  private beginRange = 0;
  private inRange = 0;
  private endRange = 0;
  private lastEndNode = -1;
  private readonly root: readonly Node[];
  private readonly allowMissingKeys: boolean;
  constructor(root: readonly Node[], allowMissingKeys: boolean) {
    this.root = root;
    this.allowMissingKeys = allowMissingKeys;
  }

  /** Results per top-level node; `from` is where this (range) pass starts in the root's nodes. */
  findResults(data: Value, from = 0): Value[][] {
    const full: Value[][] = [];
    for (let i = from; i < this.root.length; i++) {
      const results = this.walk([data], this.root[i]!);
      if (this.endRange > 0 && this.endRange <= this.inRange) {
        this.endRange--;
        this.lastEndNode = i;
        break;
      }
      if (this.beginRange > 0) {
        this.beginRange--;
        this.inRange++;
        if (results.length > 0) for (const value of results) full.push(...this.findResults(value, i + 1));
        else this.findResults(null, i + 1);
        this.inRange--;
        for (let k = i + 1; k < this.root.length; k++) {
          if (k === this.lastEndNode) {
            i = k;
            break;
          }
        }
        continue;
      }
      full.push(results);
    }
    return full;
  }

  private walk(input: Value[], node: Node): Value[] {
    switch (node.type) {
      case 'list':
        return this.evalList(input, node);
      case 'text':
        return [node.text];
      case 'field':
        return this.evalField(input, node.value);
      case 'array':
        return evalArray(input, node.params);
      case 'filter':
        return this.evalFilter(input, node);
      case 'int':
        return input.map(() => node.value);
      case 'float':
        return input.map(() => new GoFloat(node.value));
      case 'bool':
        return input.map(() => node.value);
      case 'wildcard':
        return input.filter((v) => !isNil(v)).flatMap(children);
      case 'recursive':
        return evalRecursive(input);
      case 'union':
        return node.nodes.flatMap((l) => this.evalList(input, l));
      case 'identifier':
        if (node.name === 'range') {
          this.beginRange++;
          return input;
        }
        if (node.name === 'end') {
          if (this.inRange > 0) this.endRange++;
          else throw new JsonPathError('not in range, nothing to end');
          return [];
        }
        throw new JsonPathError(`unrecognized identifier ${node.name}`);
    }
  }

  private evalList(input: Value[], node: ListNode): Value[] {
    let cur = input;
    for (const n of node.nodes) cur = this.walk(cur, n);
    return cur;
  }

  private evalField(input: Value[], name: string): Value[] {
    if (input.length === 0) return [];
    const results = input.filter((v) => isMap(v) && Object.hasOwn(v, name)).map((v) => (v as Record<string, Value>)[name]);
    if (results.length === 0 && !this.allowMissingKeys) throw new JsonPathError(`${name} is not found`);
    return results;
  }

  private evalFilter(input: Value[], node: Extract<Node, { type: 'filter' }>): Value[] {
    const results: Value[] = [];
    for (const value of input) {
      if (!Array.isArray(value)) throw new JsonPathError(`${goValue(value)} is not array or slice and cannot be filtered`);
      for (const item of value) {
        if (node.op === 'exists') {
          let lefts: Value[] = [];
          try {
            lefts = this.evalList([item], node.left);
          } catch (e) {
            if (!(e instanceof JsonPathError)) throw e;
          }
          if (lefts.length > 0) results.push(item);
          continue;
        }
        const lefts = this.evalList([item], node.left);
        if (lefts.length === 0) continue;
        if (lefts.length > 1) throw new JsonPathError('can only compare one element at a time');
        const rights = this.evalList([item], node.right);
        if (rights.length === 0) continue;
        if (rights.length > 1) throw new JsonPathError('can only compare one element at a time');
        if (compare(node.op, lefts[0], rights[0])) results.push(item);
      }
    }
    return results;
  }
}

function evalArray(input: Value[], params: readonly { known: boolean; value: number; derived: boolean }[]): Value[] {
  const result: Value[] = [];
  for (const value of input) {
    if (isNil(value)) continue;
    if (!Array.isArray(value)) throw new JsonPathError(`${goType(value)} is not array or slice`);
    const [p0, p1, p2] = params.map((p) => ({ ...p })) as [(typeof params)[0], (typeof params)[0], (typeof params)[0]];
    const len = value.length;
    if (!p0.known) p0.value = 0;
    if (p0.value < 0) p0.value += len;
    if (!p1.known) p1.value = len;
    if (p1.value < 0 || (p1.value === 0 && p1.derived)) p1.value += len;
    if (p1.value === p0.value) return result;
    if (p0.value >= len || p0.value < 0) throw new JsonPathError(`array index out of bounds: index ${p0.value}, length ${len}`);
    if (p1.value > len || p1.value < 0) throw new JsonPathError(`array index out of bounds: index ${p1.value - 1}, length ${len}`);
    if (p0.value > p1.value) throw new JsonPathError(`starting index ${p0.value} is greater than ending index ${p1.value}`);
    const slice = value.slice(p0.value, p1.value);
    let step = 1;
    if (p2.known) {
      if (p2.value <= 0) throw new JsonPathError('step must be > 0');
      step = p2.value;
    }
    for (let i = 0; i < slice.length; i += step) result.push(slice[i]);
  }
  return result;
}

function evalRecursive(input: Value[]): Value[] {
  const result: Value[] = [];
  for (const value of input) {
    if (isNil(value)) continue;
    const kids = children(value);
    if (kids.length > 0) {
      result.push(value);
      result.push(...evalRecursive(kids));
    }
  }
  return result;
}

/** The results of each top-level node (kubectl's FindResults): custom-columns reads them. */
export function findResults(template: JsonPathTemplate, data: Value, allowMissingKeys: boolean): Value[][] {
  return new Evaluator(template.root.nodes, allowMissingKeys).findResults(data);
}

/** What `-o jsonpath=TEMPLATE` prints for `data` (kubectl's Execute + PrintResults). */
export function executeJsonPath(template: JsonPathTemplate, data: Value, allowMissingKeys: boolean): string {
  let out = '';
  for (const results of findResults(template, data, allowMissingKeys)) {
    out += results
      .map((r) => {
        const k = kindOf(r);
        if (k === 'map' || k === 'slice') return goJson(r);
        return k === 'nil' ? 'null' : goValue(r);
      })
      .join(' ');
  }
  return out;
}
