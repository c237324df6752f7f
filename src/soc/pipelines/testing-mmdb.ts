/**
 * @module soc/pipelines/testing-mmdb
 * Writes a tiny MaxMind DB (IPv4 tree, 24-bit records) for tests of the geoip processor, following the
 * published MaxMind DB format specification; no GeoIP data is shipped with Tỉnh Số.
 */

type Value = string | number | boolean | Value[] | { [key: string]: Value };

function control(type: number, size: number): Buffer {
  const ext = type > 7;
  const head: number[] = [];
  let sizeBytes: number[] = [];
  let sizeBits = size;
  if (size >= 29) {
    if (size < 285) {
      sizeBits = 29;
      sizeBytes = [size - 29];
    } else {
      sizeBits = 30;
      const n = size - 285;
      sizeBytes = [(n >> 8) & 0xff, n & 0xff];
    }
  }
  head.push(((ext ? 0 : type) << 5) | sizeBits);
  if (ext) head.push(type - 7);
  return Buffer.from([...head, ...sizeBytes]);
}

function uint(n: number): Buffer {
  const bytes: number[] = [];
  let v = n;
  while (v > 0) {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  }
  return Buffer.from(bytes);
}

/** Encodes a value in the MaxMind DB data format. */
export function encode(value: Value): Buffer {
  if (typeof value === 'string') {
    const b = Buffer.from(value, 'utf8');
    return Buffer.concat([control(2, b.length), b]);
  }
  if (typeof value === 'boolean') return control(14, value ? 1 : 0);
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value < 2 ** 32) {
      const b = uint(value);
      return Buffer.concat([control(6, b.length), b]);
    }
    const b = Buffer.alloc(8);
    b.writeDoubleBE(value);
    return Buffer.concat([control(3, 8), b]);
  }
  if (Array.isArray(value)) return Buffer.concat([control(11, value.length), ...value.map(encode)]);
  const entries = Object.entries(value);
  return Buffer.concat([control(7, entries.length), ...entries.flatMap(([k, v]) => [encode(k), encode(v)])]);
}

interface Node {
  children: [Node | number | null, Node | number | null];
}

/** A database mapping IPv4 prefixes (`203.0.113.0/24`) to records. */
export function writeMmdb(entries: { prefix: string; record: Value }[]): Buffer {
  const data: Buffer[] = [];
  let dataSize = 0;
  const root: Node = { children: [null, null] };
  for (const { prefix, record } of entries) {
    const [ip, len] = prefix.split('/') as [string, string];
    const bits = ip
      .split('.')
      .map((o) => Number(o).toString(2).padStart(8, '0'))
      .join('');
    const offset = dataSize;
    const encoded = encode(record);
    data.push(encoded);
    dataSize += encoded.length;
    let node = root;
    const n = Number(len);
    for (let i = 0; i < n; i++) {
      const bit = Number(bits[i]) as 0 | 1;
      if (i === n - 1) node.children[bit] = offset;
      else {
        let next = node.children[bit];
        if (next === null || typeof next === 'number') {
          next = { children: [null, null] };
          node.children[bit] = next;
        }
        node = next;
      }
    }
  }
  // Number the nodes breadth-first, then write each record.
  const nodes: Node[] = [];
  const queue: Node[] = [root];
  while (queue.length) {
    const node = queue.shift() as Node;
    nodes.push(node);
    for (const c of node.children) if (c !== null && typeof c === 'object') queue.push(c);
  }
  const index = new Map(nodes.map((nd, i) => [nd, i]));
  const count = nodes.length;
  const tree = Buffer.alloc(count * 6);
  nodes.forEach((node, i) => {
    node.children.forEach((c, side) => {
      const value = c === null ? count : typeof c === 'number' ? count + 16 + c : (index.get(c) as number);
      tree.writeUIntBE(value, i * 6 + side * 3, 3);
    });
  });
  const metadata = encode({
    node_count: count,
    record_size: 24,
    ip_version: 4,
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: 1_700_000_000,
    database_type: 'Tinhso-Test-City',
    languages: ['en'],
    description: { en: 'Test database written by the Tỉnh Số tests' },
  });
  return Buffer.concat([
    tree,
    Buffer.alloc(16),
    ...data,
    Buffer.from([0xab, 0xcd, 0xef]),
    Buffer.from('MaxMind.com'),
    metadata,
  ]);
}
