// The client-side checks behind -l, -n, --cluster-domain and NAME, with apimachinery's rules and wording.
import { describe, expect, it } from 'vitest';
import {
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  labelSelectorProblem,
  namespaceProblem,
  objectNameProblem,
} from '../../src/kube/validation.ts';

describe('label selectors (labels.Parse)', () => {
  it.each([
    '',
    'app=web',
    'app==web',
    'app!=web',
    'app',
    '!app',
    'app=',
    'tier in (a,b)',
    'tier notin (a)',
    'tier in ()',
    'a=b,c!=d, e in (x, y) ,!f',
    'example.com/app=web',
    'x>1',
    'x < 2',
    'in=notin',
  ])('%j parses', (selector) => {
    expect(labelSelectorProblem(selector)).toBeUndefined();
  });

  it.each([
    ['==', "found '==', expected: !, identifier, or 'end of string'"],
    ['a=b=c', "found '=', expected: ',' or 'end of string'"],
    ['a in (x', "found '', expected: ',' or ')'"],
    ['a in x', "found 'x', expected: '('"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['a,', "found '', expected: identifier after ','"],
    ['a b', "found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['x>a', "for 'Gt', 'Lt' operators, the value must be an integer"],
    ['a=(b)', "found '(', expected: identifier"],
    ['-a=b', 'invalid label key "-a": name part must consist of alphanumeric characters'],
    ['a=-b-', 'invalid label value: "-b-": at key: "a": a valid label must be an empty string'],
    ['Bad.Prefix/a=b', 'invalid label key "Bad.Prefix/a": prefix part a lowercase RFC 1123 subdomain'],
  ])('%j: %s', (selector, message) => {
    const problem = labelSelectorProblem(selector);
    expect(problem).toMatch(/^unable to parse requirement: /);
    expect(problem).toContain(message);
  });
});

describe('names', () => {
  it.each([
    ['web', undefined],
    ['web-0.db', undefined],
    ['a'.repeat(253), undefined],
    ['a'.repeat(254), 'must be no more than 253 characters'],
    ['', 'must not be empty'],
    ['Web', /RFC 1123 subdomain/],
    ['web_1', /RFC 1123 subdomain/],
    ['-web', /RFC 1123 subdomain/],
    ['web.', /RFC 1123 subdomain/],
  ])('object NAME %j', (name, want) => {
    const got = objectNameProblem(name);
    if (want === undefined) expect(got).toBeUndefined();
    else if (typeof want === 'string') expect(got).toBe(want);
    else expect(got).toMatch(want);
  });

  it("namespaces are labels (63 characters, no dots); empty means the context's", () => {
    expect(namespaceProblem('')).toBeUndefined();
    expect(namespaceProblem('kube-system')).toBeUndefined();
    expect(namespaceProblem('a.b')).toMatch(/RFC 1123 label/);
    expect(dns1123LabelProblem('a'.repeat(64))).toBe('must be no more than 63 characters');
    expect(dns1123SubdomainProblem('cluster.local')).toBeUndefined();
    expect(dns1123SubdomainProblem('a b/c')).toMatch(/RFC 1123 subdomain/);
  });
});
