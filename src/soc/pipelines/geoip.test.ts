/**
 * The geoip processor: with a MaxMind DB written by the test it adds source.geo (and source.as); without a
 * database file it does nothing and the event is still parsed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RawEvent } from '../contracts.ts';
import { openGeoip, PipelineRuntime } from './runtime.ts';
import { writeMmdb } from './testing-mmdb.ts';

const line = (ip: string) =>
  `Mar  5 10:00:01 web01 sshd[1]: Accepted password for an from ${ip} port 22 ssh2`;
const raw = (ip: string): RawEvent => ({
  input: 'file:1',
  kind: 'file',
  receivedAt: Date.parse('2024-03-05T03:00:05Z'),
  text: line(ip),
  pipeline: 'linux-auth',
});

function database(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tinhso-geoip-'));
  const file = join(dir, 'test.mmdb');
  writeFileSync(
    file,
    writeMmdb([
      {
        prefix: '203.0.113.0/24',
        record: {
          continent: { code: 'AS', names: { en: 'Asia' } },
          country: { iso_code: 'VN', names: { en: 'Vietnam' } },
          city: { names: { en: 'Ben Tre' } },
          subdivisions: [{ iso_code: '50', names: { en: 'Ben Tre Province' } }],
          location: { latitude: 10.2415, longitude: 106.3759 },
        },
      },
      {
        prefix: '198.51.100.0/24',
        record: { autonomous_system_number: 64500, autonomous_system_organization: 'Test AS' },
      },
    ]),
  );
  return file;
}

describe('geoip processor', () => {
  it('adds source.geo from a MaxMind database, and source.as from an ASN record', () => {
    const runtime = new PipelineRuntime(openGeoip(database()));
    const doc = runtime.process(raw('203.0.113.5')).doc;
    expect(doc.source).toMatchObject({
      ip: '203.0.113.5',
      geo: {
        country_iso_code: 'VN',
        country_name: 'Vietnam',
        continent_code: 'AS',
        city_name: 'Ben Tre',
        region_iso_code: '50',
        region_name: 'Ben Tre Province',
        location: { lat: 10.2415, lon: 106.3759 },
      },
    });
    expect(runtime.process(raw('198.51.100.9')).doc.source).toMatchObject({
      as: { number: 64500, organization: { name: 'Test AS' } },
    });
    // An address the database does not know: nothing added, no error.
    const unknown = runtime.run(raw('192.0.2.1'));
    expect(unknown.error).toBeNull();
    expect((unknown.event.doc.source as Record<string, unknown>).geo).toBeUndefined();
  });

  it('does nothing when the configured file does not exist', () => {
    expect(openGeoip(join(tmpdir(), 'no-such-dir', 'none.mmdb'))).toBeNull();
    expect(openGeoip('')).toBeNull();
    const runtime = new PipelineRuntime(null);
    const outcome = runtime.run(raw('203.0.113.5'));
    expect(outcome.error).toBeNull();
    expect(outcome.event.doc.source).toEqual({ ip: '203.0.113.5', port: 22 });
  });
});
