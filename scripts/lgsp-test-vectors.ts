/**
 * Writes docs/lgsp/test-vectors.json: signing test vectors of the LGSP protocol for implementers in any
 * language. Run with `npx tsx scripts/lgsp-test-vectors.ts`. The RSA key pair is a TEST key kept in the file
 * (generated on the first run and reused after), so re-running changes only the RSA-PSS signatures, which
 * are randomised by design. sdk/src/vectors.test.ts checks the file against the SDK.
 */

import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Algorithm, canonicalRequest, sha256Hex } from '../sdk/src/canonical.ts';
import { computeSignature } from '../sdk/src/sign.ts';

const OUT = join(import.meta.dirname, '..', 'docs', 'lgsp', 'test-vectors.json');

interface Spec {
  name: string;
  description: string;
  algorithm: Algorithm;
  method: string;
  path: string;
  query: string;
  headers: Record<string, string | string[]>;
  signedHeaders: string[];
  body: string;
  timestamp?: number;
  nonce?: string;
  accessKey?: string;
}

function rsaKeys(): { privateKeyPem: string; publicKeyPem: string } {
  if (existsSync(OUT)) {
    const old = JSON.parse(readFileSync(OUT, 'utf8')) as {
      keys?: { rsa?: { privateKeyPem: string; publicKeyPem: string } };
    };
    if (old.keys?.rsa) return old.keys.rsa;
  }
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

const HMAC_SECRET = 'tinhso-test-secret-khong-dung-that-2026';
const ACCESS_KEY = 'AKTEST0000000001';
const SESSION = 'lgsp1.eyJzaWQiOiJ0ZXN0In0.c2lnbmF0dXJl';
const JSON_BODY = '{"hoTen":"Nguyễn Thị Ánh","soDinhDanh":"030190000123"}';

const specs: Spec[] = [
  {
    name: 'hmac-sha256-get-empty-body',
    description:
      'HMAC-SHA256, GET without body or query: the digest is SHA-256 of the empty string; no extra headers',
    algorithm: 'HMAC-SHA256',
    method: 'GET',
    path: '/000.00.01.H23/hotich/giay-khai-sinh',
    query: '',
    headers: {},
    signedHeaders: [],
    body: '',
  },
  {
    name: 'hmac-sha256-post-json',
    description: 'HMAC-SHA256, POST with a JSON body (Vietnamese text, UTF-8) and content-type signed',
    algorithm: 'HMAC-SHA256',
    method: 'POST',
    path: '/api/lgsp/auth/sessions',
    query: '',
    headers: { 'content-type': 'application/json' },
    signedHeaders: ['content-type'],
    body: '{"unitCode":"000.00.01.H23","service":"hotich","operations":["GET","POST"]}',
  },
  {
    name: 'hmac-sha1-get',
    description: 'HMAC-SHA1 (only for applications configured for it), GET with a query',
    algorithm: 'HMAC-SHA1',
    method: 'GET',
    path: '/000.00.01.H23/dancu/cong-dan',
    query: 'soDinhDanh=030190000123',
    headers: {},
    signedHeaders: [],
    body: '',
  },
  {
    name: 'hmac-sha1-put-body',
    description: 'HMAC-SHA1, PUT with a body and the session key signed',
    algorithm: 'HMAC-SHA1',
    method: 'PUT',
    path: '/000.00.01.H23/dancu/cong-dan/030190000123',
    query: '',
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-lgsp-session': SESSION },
    signedHeaders: ['content-type', 'x-lgsp-session'],
    body: JSON_BODY,
  },
  {
    name: 'rsa-sha256-get',
    description:
      'RSA-SHA256 (PKCS#1 v1.5, deterministic): the signature can be reproduced with the test private key',
    algorithm: 'RSA-SHA256',
    method: 'GET',
    path: '/000.00.02.H23/vanban/danh-sach',
    query: 'trang=2&kichThuoc=50',
    headers: {},
    signedHeaders: [],
    body: '',
  },
  {
    name: 'rsa-sha256-post-session',
    description: 'RSA-SHA256, POST through the gateway with the session key and content type signed',
    algorithm: 'RSA-SHA256',
    method: 'POST',
    path: '/000.00.02.H23/vanban/gui',
    query: '',
    headers: { 'content-type': 'application/json', 'x-lgsp-session': SESSION },
    signedHeaders: ['x-lgsp-session', 'content-type'],
    body: JSON_BODY,
  },
  {
    name: 'rsa-pss-sha256-get',
    description:
      'RSA-PSS-SHA256 (MGF1-SHA-256, salt 32): randomised, so the signature given must VERIFY with the public key; yours will differ',
    algorithm: 'RSA-PSS-SHA256',
    method: 'GET',
    path: '/000.00.03.H23/dat-dai/thua-dat',
    query: 'soTo=12&soThua=345',
    headers: {},
    signedHeaders: [],
    body: '',
  },
  {
    name: 'rsa-pss-sha256-post',
    description: 'RSA-PSS-SHA256 with a body and the session key signed',
    algorithm: 'RSA-PSS-SHA256',
    method: 'POST',
    path: '/000.00.03.H23/dat-dai/ho-so',
    query: '',
    headers: { 'content-type': 'application/json', 'x-lgsp-session': SESSION },
    signedHeaders: ['content-type', 'x-lgsp-session'],
    body: JSON_BODY,
  },
  {
    name: 'unicode-path-vietnamese-nfc',
    description:
      'A path with Vietnamese letters (NFC) and a space, as typed: each segment is UTF-8 percent-encoded with upper-case hex',
    algorithm: 'HMAC-SHA256',
    method: 'GET',
    path: '/000.00.01.H23/hotich/công-dân/Nguyễn Văn Ánh',
    query: '',
    headers: {},
    signedHeaders: [],
    body: '',
  },
  {
    name: 'unicode-path-already-encoded-lower-case',
    description:
      'The same kind of path already percent-encoded with lower-case hex and an encoded unreserved ~: normalised to one spelling',
    algorithm: 'HMAC-SHA256',
    method: 'GET',
    path: '/000.00.01.H23/hotich/c%c3%b4ng-d%C3%A2n/%7Ehs',
    query: '',
    headers: {},
    signedHeaders: [],
    body: '',
  },
  {
    name: 'query-sorting-repeated-names',
    description:
      'Query pairs sorted by encoded name then encoded value; repeated names kept; a name without = has an empty value; empty pairs dropped',
    algorithm: 'HMAC-SHA256',
    method: 'GET',
    path: '/000.00.01.H23/thongke/bao-cao',
    query: 'nam=2026&loai=b&loai=a&&donVi=H23&ghiChu&loai=A',
    headers: {},
    signedHeaders: [],
    body: '',
  },
  {
    name: 'query-encodings-plus-is-literal',
    description:
      'Query decoding: + is a literal plus (encoded %2B), %20 a space, Vietnamese text encoded as UTF-8, a lone % kept as %25',
    algorithm: 'HMAC-SHA256',
    method: 'GET',
    path: '/000.00.01.H23/tim-kiem',
    query: 'q=Tr%E1%BA%A7n+Th%e1%BB%8b&ten=L%C3%AA%20L%E1%BB%A3i&tiLe=50%&x=~a*b',
    headers: {},
    signedHeaders: [],
    body: '',
  },
  {
    name: 'signed-headers-odd-whitespace',
    description:
      'Signed header values are trimmed and inner runs of spaces/tabs collapsed to one space; names in the order of X-Lgsp-Signed-Headers; repeated headers joined by ","',
    algorithm: 'HMAC-SHA256',
    method: 'PATCH',
    path: '/000.00.01.H23/hotich/ho-so/42',
    query: '',
    headers: {
      'content-type': '  application/json ;\t charset=utf-8  ',
      'x-request-id': '\t abc   def\t',
      'x-trace': ['  one ', 'two  three'],
    },
    signedHeaders: ['x-request-id', 'content-type', 'x-trace'],
    body: '{"trangThai":"DA_DUYET"}',
  },
  {
    name: 'path-reserved-characters',
    description:
      'An encoded slash stays inside its segment (%2F), reserved characters are encoded, dot segments are kept, lower-case method upper-cased',
    algorithm: 'HMAC-SHA256',
    method: 'delete',
    path: '/000.00.01.H23/kho/a%2fb/./c:d@e!/../f',
    query: '',
    headers: {},
    signedHeaders: [],
    body: '',
  },
  {
    name: 'introspection-by-destination',
    description:
      'The destination signs its introspection call (Art. 10 step 4) like any request, with its own key',
    algorithm: 'HMAC-SHA256',
    method: 'POST',
    path: '/api/lgsp/auth/introspect',
    query: '',
    headers: { 'content-type': 'application/json' },
    signedHeaders: ['content-type'],
    body: `{"sessionKey":"${SESSION}","request":{"method":"GET","path":"/ho-so","query":"","headers":{},"bodySha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}}`,
    accessKey: 'AKTESTDEST000002',
  },
];

const rsa = rsaKeys();
const vectors = specs.map((spec, i) => {
  const timestamp = spec.timestamp ?? 1_795_000_000 + i * 7;
  const nonce = spec.nonce ?? `vector-nonce-${String(i).padStart(4, '0')}-abcdef`;
  const accessKey = spec.accessKey ?? ACCESS_KEY;
  const bodySha256 = sha256Hex(Buffer.from(spec.body, 'utf8'));
  const canonical = canonicalRequest({
    algorithm: spec.algorithm,
    method: spec.method,
    path: spec.path,
    query: spec.query,
    accessKey,
    timestamp,
    nonce,
    contentSha256: bodySha256,
    signedHeaders: spec.signedHeaders,
    headers: spec.headers,
  });
  const hmac = spec.algorithm.startsWith('HMAC');
  const signature = computeSignature(
    spec.algorithm,
    canonical,
    hmac ? { secretKey: HMAC_SECRET } : { privateKey: rsa.privateKeyPem },
  );
  return {
    name: spec.name,
    description: spec.description,
    algorithm: spec.algorithm,
    key: hmac ? 'hmac' : 'rsa',
    accessKey,
    method: spec.method,
    path: spec.path,
    query: spec.query,
    headers: spec.headers,
    signedHeaders: spec.signedHeaders.join(';'),
    timestamp,
    nonce,
    body: spec.body,
    bodySha256,
    canonical,
    signature,
    deterministic: spec.algorithm !== 'RSA-PSS-SHA256',
  };
});

mkdirSync(join(OUT, '..'), { recursive: true });
writeFileSync(
  OUT,
  `${JSON.stringify(
    {
      description:
        'Test vectors of the LGSP signing protocol (docs/lgsp/signing.md). Keys are TEST keys, published on purpose: never use them. For each vector: hash `body` (UTF-8) to `bodySha256`, build `canonical` from the inputs, then sign it; HMAC and RSA-SHA256 signatures must match byte for byte, RSA-PSS signatures must verify with keys.rsa.publicKeyPem.',
      generatedBy: 'scripts/lgsp-test-vectors.ts',
      keys: { hmac: { secretKey: HMAC_SECRET }, rsa },
      vectors,
    },
    null,
    2,
  )}\n`,
);
process.stdout.write(`${vectors.length} vectors written to ${OUT}\n`);
