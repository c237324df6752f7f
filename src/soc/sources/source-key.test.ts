import { describe, expect, it } from 'vitest';
import type { NormalisedEvent } from '../contracts.ts';
import { identityOf, inputFamily, sourceKeyOf } from './source-key.ts';

const ev = (input: string, doc: Record<string, unknown>): NormalisedEvent => ({
  ts: 0,
  receivedAt: 0,
  input,
  doc,
});

describe('source key rule', () => {
  it('prefers agent.id, then host.name/hostname, then observer.hostname, then the sender address', () => {
    const full = {
      agent: { id: 'A-1', name: 'web01' },
      host: { name: 'WEB01.local', hostname: 'web01' },
      observer: { hostname: 'fw1' },
      log: { source: { address: '10.0.0.9' } },
    };
    expect(sourceKeyOf(ev('bulk', full))).toBe('bulk|agent:A-1');
    expect(sourceKeyOf(ev('bulk', { ...full, agent: {} }))).toBe('bulk|host:web01.local');
    expect(sourceKeyOf(ev('syslog-tcp', { host: { hostname: 'Core-SW' } }))).toBe('syslog|host:core-sw');
    expect(sourceKeyOf(ev('syslog-udp', { observer: { hostname: 'FW1' }, log: full.log }))).toBe(
      'syslog|observer:fw1',
    );
    expect(sourceKeyOf(ev('syslog-tls', { log: full.log }))).toBe('syslog|ip:10.0.0.9');
    expect(sourceKeyOf(ev('http', { message: 'x' }))).toBeNull();
  });

  it('drops NUL characters, which PostgreSQL text cannot hold', () => {
    expect(sourceKeyOf(ev('bulk', { host: { name: 'srv\u000001' } }))).toBe('bulk|host:srv01');
  });

  it('skips names that say nothing, so devices all called localhost split by sender', () => {
    const doc = { host: { hostname: 'localhost' }, log: { source: { address: '10.0.0.7' } } };
    expect(sourceKeyOf(ev('syslog-udp', doc))).toBe('syslog|ip:10.0.0.7');
    expect(sourceKeyOf(ev('syslog-udp', { host: { hostname: '-' } }))).toBeNull();
  });

  it('keeps the input family in the key: syslog transports are one family, file imports their own', () => {
    expect(inputFamily('syslog-udp')).toBe('syslog');
    expect(inputFamily('file:123')).toBe('file');
    expect(inputFamily('bulk')).toBe('bulk');
    const doc = { host: { name: 'srv' } };
    expect(sourceKeyOf(ev('bulk', doc))).not.toBe(sourceKeyOf(ev('syslog-tcp', doc)));
  });

  it('guesses the kind and name of a new source from its first event', () => {
    const agent = ev('bulk', { agent: { id: 'x', name: 'dc01' }, host: { ip: ['10.1.1.1'] } });
    expect(identityOf(agent, sourceKeyOf(agent)!)).toEqual({
      key: 'bulk|agent:x',
      inputKind: 'bulk',
      kind: 'agent',
      name: 'dc01',
      address: '10.1.1.1',
    });
    const fw = ev('syslog-udp', { observer: { vendor: 'Fortinet' }, host: { hostname: 'FGT60F' } });
    expect(identityOf(fw, sourceKeyOf(fw)!)).toMatchObject({ kind: 'network-device', name: 'FGT60F' });
    const ids = ev('bulk', { observer: { type: 'ids', hostname: 'sensor1' } });
    expect(identityOf(ids, sourceKeyOf(ids)!)).toMatchObject({ kind: 'sensor', name: 'sensor1' });
    const audit = ev('audit', { host: { name: 'node-1' } });
    expect(identityOf(audit, sourceKeyOf(audit)!).kind).toBe('application');
    const bare = ev('syslog-udp', { log: { source: { address: '10.2.2.2' } } });
    expect(identityOf(bare, sourceKeyOf(bare)!)).toMatchObject({
      kind: 'host',
      name: '10.2.2.2',
      address: '10.2.2.2',
    });
  });
});
