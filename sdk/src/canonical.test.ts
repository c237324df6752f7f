/**
 * The canonicaliser under fuzzing (fast-check): no input crashes it; requests that mean the same canonicalise
 * the same (query pairs reordered, header name case and whitespace, equivalent percent-encodings); requests
 * that differ in method, path or body digest canonicalise differently.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CanonicalInput,
  canonicalComponent,
  canonicalHeaderValue,
  canonicalPath,
  canonicalQuery,
  canonicalRequest,
  percentDecodeBytes,
  percentEncodeBytes,
  receivedHeaders,
} from './canonical.ts';

const base: CanonicalInput = {
  algorithm: 'HMAC-SHA256',
  method: 'GET',
  path: '/000.00.01.H23/hotich',
  query: '',
  accessKey: 'AKTEST0000000001',
  timestamp: 1_795_000_000,
  nonce: 'abcdefghijklmnop',
  contentSha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  signedHeaders: [],
  headers: {},
};

/** Encodes every byte of a string's UTF-8 as %xx, in lower or upper case hex. */
function encodeAll(text: string, lower: boolean): string {
  let out = '';
  for (const b of Buffer.from(text, 'utf8')) {
    const hex = b.toString(16).padStart(2, '0');
    out += `%${lower ? hex : hex.toUpperCase()}`;
  }
  return out;
}

/** Text without the characters that structure a path or a query. */
const plain = fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => s.replace(/[/?&=%#]/g, ''));
const segment = fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => s.replace(/[/?#%]/g, ''));

describe('canonicaliser fuzzing', () => {
  it('never throws and gives one line per component, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 80 }),
        fc.string({ unit: 'binary', maxLength: 80 }),
        fc.string({ maxLength: 10 }),
        fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 20 })),
        (path, query, method, headers) => {
          const names = Object.keys(headers).map((n) => n.toLowerCase());
          const text = canonicalRequest({ ...base, method, path, query, headers, signedHeaders: names });
          const p = canonicalPath(path);
          const q = canonicalQuery(query);
          // The encoded path and query never contain a newline or a character outside printable ASCII,
          // so they cannot forge another line of the canonical request.
          expect(p).toMatch(/^[\x21-\x7e]*$/);
          expect(q).toMatch(/^[\x21-\x7e]*$/);
          expect(text.split('\n')[2]).toBe(p);
          expect(text.split('\n')[3]).toBe(q);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is idempotent: a canonical path or query canonicalises to itself', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 60 }),
        fc.string({ unit: 'binary', maxLength: 60 }),
        (p, q) => {
          expect(canonicalPath(canonicalPath(p))).toBe(canonicalPath(p));
          expect(canonicalQuery(canonicalQuery(q))).toBe(canonicalQuery(q));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('round-trips any bytes through encode and decode', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(Buffer.from(percentDecodeBytes(percentEncodeBytes(bytes)))).toEqual(Buffer.from(bytes));
      }),
    );
  });

  it('canonicalises equal requests equally: reordered query pairs, equivalent encodings, header case and whitespace', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(plain, plain), { maxLength: 6 }),
        fc.array(segment, { minLength: 1, maxLength: 5 }),
        fc.string({ maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, '')),
        fc.boolean(),
        (pairs, segments, headerText, lower) => {
          const query = pairs.map(([n, v]) => `${n}=${v}`).join('&');
          const shuffled = [...pairs]
            .reverse()
            .map(([n, v]) => `${encodeAll(n, lower)}=${encodeAll(v, !lower)}`)
            .join('&');
          const path = `/${segments.join('/')}`;
          const encodedPath = `/${segments.map((s) => encodeAll(s, lower)).join('/')}`;
          const a = canonicalRequest({
            ...base,
            path,
            query,
            signedHeaders: ['x-note'],
            headers: { 'x-note': headerText },
          });
          const b = canonicalRequest({
            ...base,
            method: 'get',
            path: encodedPath,
            query: shuffled,
            signedHeaders: ['x-note'],
            headers: { 'X-Note': `  ${headerText.replace(/ /g, ' \t ')}\t` },
          });
          expect(b).toBe(a);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('canonicalises requests with a different method, path or body digest differently', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        fc.stringMatching(/^[0-9a-f]{64}$/),
        fc.stringMatching(/^[0-9a-f]{64}$/),
        (m1, m2, s1, s2, d1, d2) => {
          const p1 = `/${s1.join('/')}`;
          const p2 = `/${s2.join('/')}`;
          const a = canonicalRequest({ ...base, method: m1, path: p1, contentSha256: d1 });
          const b = canonicalRequest({ ...base, method: m2, path: p2, contentSha256: d2 });
          const samePath = canonicalPath(p1) === canonicalPath(p2);
          expect(a === b).toBe(m1 === m2 && samePath && d1 === d2);
          // Distinct segment texts never collapse into one canonical path.
          if (p1.normalize() !== p2.normalize() && p1 !== p2) expect(samePath).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps an encoded slash inside its segment, a plus as a plus and invalid escapes as text', () => {
    expect(canonicalPath('/a%2fb/c')).toBe('/a%2Fb/c');
    expect(canonicalPath('/a/b/c')).not.toBe(canonicalPath('/a%2Fb/c'));
    expect(canonicalQuery('a=1+2')).toBe('a=1%2B2');
    expect(canonicalQuery('a=1 2')).toBe('a=1%202');
    expect(canonicalComponent('%zz%4')).toBe('%25zz%254');
    expect(canonicalComponent('%FF')).toBe('%FF');
    expect(canonicalPath('')).toBe('/');
  });
});

describe('receivedHeaders', () => {
  it('gives a header received several times as the list of its values, whatever the framework joined', () => {
    const bag = receivedHeaders({
      headers: { 'x-trace': 'one,  two', host: 'a' },
      rawHeaders: ['Host', 'a', 'X-Trace', 'one', 'x-trace', ' two '],
    });
    expect(bag['x-trace']).toEqual(['one', ' two ']);
    expect(canonicalHeaderValue(bag['x-trace'])).toBe('one,two');
    expect(bag.host).toBe('a');
  });

  it('leaves headers received once as they are', () => {
    const headers = { 'x-trace': 'one' };
    expect(receivedHeaders({ headers, rawHeaders: ['x-trace', 'one'] })).toBe(headers);
    expect(receivedHeaders({ headers })).toBe(headers);
  });
});
