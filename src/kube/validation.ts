// Client-side checks of what the user typed, with apimachinery's wording, so a mistake is a usage error
// naming the rule instead of a 400/404 from the API server (or a URL the client cannot even build).
// Pure and import-free: the flag declarations use these while parsing, before any command module loads.

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A namespace (and any label-named object): apimachinery's IsDNS1123Label. */
export function dns1123LabelProblem(value: string): string | undefined {
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!DNS1123_LABEL.test(value)) {
    return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')";
  }
  return undefined;
}

/** An object name such as a StatefulSet's, or a DNS domain: apimachinery's IsDNS1123Subdomain. */
export function dns1123SubdomainProblem(value: string): string | undefined {
  if (value.length > 253) return 'must be no more than 253 characters';
  if (!DNS1123_SUBDOMAIN.test(value)) {
    return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')";
  }
  return undefined;
}

/** -n: empty means "not given" to kubectl (the context's namespace), anything else must be a label. */
export function namespaceProblem(value: string): string | undefined {
  return value === '' ? undefined : dns1123LabelProblem(value);
}

// Label selectors as apimachinery's labels.Parse reads them: a lexer of identifiers and operators, then
// requirements `key`, `!key`, `key=v`, `key==v`, `key!=v`, `key in (a,b)`, `key notin (a)`, `key>1`, `key<1`.

type Token = { kind: 'id' | 'op' | 'end'; text: string };

const OPERATORS = ['==', '!=', '=', '!', '(', ')', ',', '>', '<'];
const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);
const WHITESPACE = new Set([' ', '\t', '\r', '\n']);

function lex(s: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    if (WHITESPACE.has(ch)) {
      i++;
    } else if (SPECIAL.has(ch)) {
      const op = OPERATORS.find((o) => s.startsWith(o, i))!;
      tokens.push({ kind: 'op', text: op });
      i += op.length;
    } else {
      let j = i;
      while (j < s.length && !WHITESPACE.has(s[j]!) && !SPECIAL.has(s[j]!)) j++;
      tokens.push({ kind: 'id', text: s.slice(i, j) });
      i = j;
    }
  }
  tokens.push({ kind: 'end', text: '' });
  return tokens;
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const [prefix, name] = slash >= 0 ? [key.slice(0, slash), key.slice(slash + 1)] : [undefined, key];
  if (prefix !== undefined) {
    const p = dns1123SubdomainProblem(prefix);
    if (p) return `invalid label key "${key}": prefix part ${p}`;
  }
  if (name.length === 0) return `invalid label key "${key}": name part must be non-empty`;
  if (name.length > 63) return `invalid label key "${key}": name part must be no more than 63 characters`;
  if (!QUALIFIED_NAME.test(name)) {
    return `invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc')`;
  }
  return undefined;
}

function labelValueProblem(key: string, value: string): string | undefined {
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    return `invalid label value: "${value}": at key: "${key}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345')`;
  }
  return undefined;
}

class SelectorSyntax extends Error {}

/**
 * Why a label selector does not parse, or undefined. Every message starts with kubectl's "unable to parse
 * requirement: " and then says what was found where something else was expected, as labels.Parse does.
 */
export function labelSelectorProblem(selector: string): string | undefined {
  const tokens = lex(selector);
  let pos = 0;
  const peek = () => tokens[pos]!;
  const next = () => tokens[pos++]!;
  const fail = (message: string): never => {
    throw new SelectorSyntax(message);
  };
  const isId = (t: Token) => t.kind === 'id';

  const requirement = () => {
    let t = next();
    const negated = t.text === '!' && t.kind === 'op';
    if (negated) t = next();
    if (!isId(t)) fail(`found '${t.text}', expected: identifier`);
    const key = t.text;
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) fail(keyProblem);
    if (negated || peek().kind === 'end' || peek().text === ',') return;
    const op = next();
    const values: string[] = [];
    if (op.kind === 'id' && (op.text === 'in' || op.text === 'notin')) {
      const open = next();
      if (open.text !== '(' || open.kind !== 'op') fail(`found '${open.text}', expected: '('`);
      for (;;) {
        const v = next();
        if (isId(v)) values.push(v.text);
        else if (v.text === ',' || v.text === ')') values.push('');
        else fail(`found '${v.text}', expected: ',', ')' or identifier`);
        const after = v.text === ',' || v.text === ')' ? v : next();
        if (after.text === ')') break;
        if (after.text !== ',') fail(`found '${after.text}', expected: ',' or ')'`);
      }
    } else if (op.kind === 'op' && ['=', '==', '!=', '>', '<'].includes(op.text)) {
      const v = peek();
      if (v.kind === 'end' || v.text === ',') values.push('');
      else if (isId(next())) values.push(v.text);
      else fail(`found '${v.text}', expected: identifier`);
      if ((op.text === '>' || op.text === '<') && !/^[-+]?\d+$/.test(values[0]!))
        fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
    } else {
      fail(`found '${op.text}', expected: in, notin, =, ==, !=, gt, lt`);
    }
    for (const v of values) {
      const p = labelValueProblem(key, v);
      if (p) fail(p);
    }
  };

  try {
    for (;;) {
      const t = peek();
      if (t.kind === 'end') return undefined;
      if (!isId(t) && t.text !== '!') fail(`found '${t.text}', expected: !, identifier, or 'end of string'`);
      requirement();
      const sep = next();
      if (sep.kind === 'end') return undefined;
      if (sep.text !== ',') fail(`found '${sep.text}', expected: ',' or 'end of string'`);
      const after = peek();
      if (!isId(after) && after.text !== '!') fail(`found '${after.text}', expected: identifier after ','`);
    }
  } catch (err) {
    if (err instanceof SelectorSyntax) return `unable to parse requirement: ${err.message}`;
    throw err;
  }
}

/** The NAME of an object such as a StatefulSet: a DNS-1123 subdomain (apimachinery's NameIsDNSSubdomain). */
export function objectNameProblem(value: string): string | undefined {
  return value === '' ? 'must not be empty' : dns1123SubdomainProblem(value);
}
