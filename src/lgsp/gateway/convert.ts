/**
 * @module lgsp/gateway/convert
 * JSON↔XML conversion for destinations that speak the other form (REST XML or SOAP 1.1). Conversion needs
 * the whole body, so it applies to bodies up to `CONVERSION_MAX_BYTES`; a larger one is refused.
 * XML is parsed without any DTD: a document declaring one is refused outright, so no entity is ever
 * defined or expanded (no XXE, no "billion laughs"); only the five predefined entities are decoded.
 * Mapping: attributes are keys prefixed `@_`, text beside attributes is `#text`, repeated elements become
 * arrays, values stay strings (a code such as `0123` keeps its leading zero).
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { AppError } from '../../core/errors/index.ts';
import type { ServiceProtocol } from '../contracts.ts';

/** Largest body the gateway converts (10 MB): conversion holds it and its tree in memory. */
export const CONVERSION_MAX_BYTES = 10 * 1024 * 1024;

const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const DTD = /<!DOCTYPE|<!ENTITY/i;

/** The body form a Content-Type names, or null when it is neither JSON nor XML. */
export function bodyFormat(contentType: string | undefined): 'json' | 'xml' | null {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  if (type === 'application/xml' || type === 'text/xml' || type.endsWith('+xml')) return 'xml';
  return null;
}

/** The form a destination of `protocol` speaks. */
export function destinationFormat(protocol: ServiceProtocol): 'json' | 'xml' {
  return protocol === 'rest-json' ? 'json' : 'xml';
}

/**
 * The form the caller prefers for the answer, from its Accept header: the first of JSON or XML with the
 * highest q; null when it names neither (the destination's own form is then passed through).
 */
export function acceptedFormat(accept: string | undefined): 'json' | 'xml' | null {
  if (!accept) return null;
  let best: { format: 'json' | 'xml'; q: number } | null = null;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    const format = bodyFormat(type);
    if (!format) continue;
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { format, q };
  }
  return best?.format ?? null;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  suppressEmptyNode: false,
  processEntities: true,
});

function malformed(format: 'JSON' | 'XML', reason: string): AppError {
  return new AppError('LGSP_BODY_MALFORMED', { format, reason: reason.slice(0, 200) });
}

/** Parses XML into a JSON tree; refuses malformed documents and any DTD. */
export function xmlToJson(xml: string, protocol: ServiceProtocol = 'rest-xml'): unknown {
  if (DTD.test(xml)) throw malformed('XML', 'DTD and entity declarations are not accepted');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw malformed('XML', `${valid.err.msg} (line ${valid.err.line})`);
  const tree = parser.parse(xml) as Record<string, unknown>;
  if (protocol === 'soap') return unwrapSoap(tree);
  return tree;
}

/** The content of a SOAP envelope's Body (any namespace prefix), or the tree when it is not one. */
function unwrapSoap(tree: Record<string, unknown>): unknown {
  const envKey = Object.keys(tree).find((k) => k === 'Envelope' || k.endsWith(':Envelope'));
  if (!envKey) return tree;
  const env = tree[envKey] as Record<string, unknown> | undefined;
  const bodyKey = env && Object.keys(env).find((k) => k === 'Body' || k.endsWith(':Body'));
  return bodyKey ? env[bodyKey] : tree;
}

/** Parses a JSON text; malformed → LGSP_BODY_MALFORMED. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw malformed('JSON', err instanceof Error ? err.message : 'invalid JSON');
  }
}

/**
 * Serialises a JSON value as XML: an object with a single key names the root element, anything else is
 * wrapped in `<root>`; for SOAP destinations the document goes inside `soap:Envelope/soap:Body`.
 */
export function jsonToXml(value: unknown, protocol: ServiceProtocol = 'rest-xml'): string {
  let tree: Record<string, unknown> =
    value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1
      ? (value as Record<string, unknown>)
      : { root: value };
  const rootKey = Object.keys(tree)[0]!;
  if (!/^[A-Za-z_][\w.:-]*$/.test(rootKey))
    throw malformed('JSON', `"${rootKey}" is not an XML element name`);
  if (protocol === 'soap' && !rootKey.endsWith('Envelope')) {
    tree = { 'soap:Envelope': { '@_xmlns:soap': SOAP_NS, 'soap:Body': tree } };
  }
  return `<?xml version="1.0" encoding="UTF-8"?>${builder.build(tree) as string}`;
}
