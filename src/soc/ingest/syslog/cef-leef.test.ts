import { describe, expect, it } from 'vitest';
import { parseCef } from './cef.ts';
import { parseLeef } from './leef.ts';
import { parseSyslog } from './parse.ts';

const now = { nowMs: Date.parse('2024-09-19T02:00:00Z') };

describe('CEF (samples of the ArcSight CEF specification)', () => {
  it('reads the header and a simple extension', () => {
    expect(
      parseCef(
        'CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=2.1.2.2 spt=1232',
      ),
    ).toEqual({
      version: 0,
      device: { vendor: 'Security', product: 'threatmanager', version: '1.0' },
      signature_id: '100',
      name: 'worm successfully stopped',
      severity: 10,
      extensions: { src: '10.0.0.1', dst: '2.1.2.2', spt: '1232' },
    });
  });

  it('unescapes a pipe in the header, and keeps an unescaped pipe in an extension value', () => {
    const cef = parseCef(
      'CEF:0|security|threatmanager|1.0|100|detected a \\| in message|10|src=10.0.0.1 act=blocked a | dst=1.1.1.1',
    );
    expect(cef?.name).toBe('detected a | in message');
    expect(cef?.extensions).toEqual({ src: '10.0.0.1', act: 'blocked a |', dst: '1.1.1.1' });
  });

  it('unescapes backslashes and equal signs in extension values, and keeps multi-word values', () => {
    const a = parseCef(
      'CEF:0|security|threatmanager|1.0|100|detected a \\\\ in packet|10|src=10.0.0.1 act=blocked a \\\\ dst=1.1.1.1',
    );
    expect(a?.name).toBe('detected a \\ in packet');
    expect(a?.extensions.act).toBe('blocked a \\');
    const b = parseCef(
      'CEF:0|security|threatmanager|1.0|100|detected a = in message|10|src=10.0.0.1 act=blocked a \\= dst=1.1.1.1',
    );
    expect(b?.extensions).toEqual({ src: '10.0.0.1', act: 'blocked a =', dst: '1.1.1.1' });
    const c = parseCef(
      'CEF:0|V|P|1|1|n|Low|filePath=/user/username/dir/my\\=file.txt msg=Detected a threat.\\n No action needed. request=https://x.vn/a?b=c&d=e',
    );
    expect(c?.severity).toBe('Low');
    expect(c?.extensions).toEqual({
      filePath: '/user/username/dir/my=file.txt',
      msg: 'Detected a threat.\n No action needed.',
      request: 'https://x.vn/a?b=c&d=e',
    });
  });

  it('is read inside an RFC 3164 message where the tag would be, and inside RFC 5424', () => {
    const a = parseSyslog(
      '<134>Sep 19 08:26:10 host CEF:0|security|threatmanager|1.0|100|detected a \\| in message|10|src=10.0.0.1 dst=1.1.1.1',
      now,
    ).doc;
    expect(a.log?.syslog).toMatchObject({ hostname: 'host' });
    expect(a.log?.syslog.appname).toBeUndefined();
    expect(a.cef).toMatchObject({ signature_id: '100', extensions: { src: '10.0.0.1', dst: '1.1.1.1' } });
    const b = parseSyslog(
      '<134>1 2024-09-19T08:26:10+07:00 fw01 CEF - - - CEF:1|Fortinet|FortiGate|7.2|0000000013|traffic|3|src=10.1.1.1 deviceExternalId=FG100',
      now,
    ).doc;
    expect(b.cef).toMatchObject({
      version: 1,
      device: { vendor: 'Fortinet' },
      extensions: { deviceExternalId: 'FG100' },
    });
    const c = parseSyslog('<14>Sep 19 08:26:10 host app: CEF:0|V|P|1|sig|name|5|', now).doc;
    expect(c.log?.syslog.appname).toBe('app');
    expect(c.cef).toMatchObject({ signature_id: 'sig', extensions: {} });
  });

  it('reads a bare CEF line (no syslog header) without calling it unparsed', () => {
    const r = parseSyslog('CEF:0|V|P|1|sig|name|5|src=1.2.3.4', now);
    expect(r.unparsed).toBe(false);
    expect(r.doc.cef?.extensions).toEqual({ src: '1.2.3.4' });
  });

  it('refuses a truncated header', () => {
    expect(parseCef('CEF:0|V|P|1|sig|name')).toBeNull();
    expect(parseSyslog('CEF:0|V|P', now).unparsed).toBe(true);
  });
});

describe('LEEF (samples of the IBM QRadar LEEF guide)', () => {
  it('reads LEEF 1.0 with tab-separated attributes', () => {
    expect(
      parseLeef(
        'LEEF:1.0|Microsoft|MSExchange|4.0 SP1|15345|src=192.0.2.0\tdst=172.50.123.1\tsev=5\tcat=anomaly\tsrcPort=81\tdstPort=21\tusrName=joe.black',
      ),
    ).toEqual({
      version: '1.0',
      vendor: 'Microsoft',
      product: 'MSExchange',
      product_version: '4.0 SP1',
      event_id: '15345',
      attributes: {
        src: '192.0.2.0',
        dst: '172.50.123.1',
        sev: '5',
        cat: 'anomaly',
        srcPort: '81',
        dstPort: '21',
        usrName: 'joe.black',
      },
    });
  });

  it('reads LEEF 2.0 with a custom delimiter, given as a character or in hex', () => {
    const a = parseLeef(
      'LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5^sev=5^srcPort=81^dstPort=21',
    );
    expect(a?.attributes).toEqual({
      src: '10.0.1.8',
      dst: '10.0.0.5',
      sev: '5',
      srcPort: '81',
      dstPort: '21',
    });
    const b = parseLeef('LEEF:2.0|Vendor|Product|Version|EventID|0x5E|src=192.0.2.0^dst=172.50.123.1');
    expect(b?.attributes).toEqual({ src: '192.0.2.0', dst: '172.50.123.1' });
    const c = parseLeef('LEEF:2.0|Vendor|Product|Version|EventID|x7C|a=1|b=2');
    expect(c?.attributes).toEqual({ a: '1', b: '2' });
    const d = parseLeef('LEEF:2.0|Vendor|Product|Version|EventID|src=1.1.1.1\tdst=2.2.2.2');
    expect(d?.attributes).toEqual({ src: '1.1.1.1', dst: '2.2.2.2' });
  });

  it('keeps values with spaces and equal signs, and reads space-separated 1.0 senders', () => {
    const a = parseLeef(
      'LEEF:1.0|QRadar|QRM|1.0|NEW_PORT_DISCOVERD|src=172.5.6.67\tmsg=there are spaces in this message\tq=a=b',
    );
    expect(a?.attributes).toEqual({ src: '172.5.6.67', msg: 'there are spaces in this message', q: 'a=b' });
    const b = parseLeef('LEEF:1.0|V|P|1|E|src=1.1.1.1 dst=2.2.2.2 usrName=joe');
    expect(b?.attributes).toEqual({ src: '1.1.1.1', dst: '2.2.2.2', usrName: 'joe' });
  });

  it('is read inside syslog', () => {
    const { doc } = parseSyslog(
      '<13>Jan 18 11:07:53 192.168.1.1 LEEF:1.0|QRadar|QRM|1.0|NEW_PORT_DISCOVERD|src=172.5.6.67\tdst=172.50.123.1',
      now,
    );
    expect(doc.host).toEqual({ hostname: '192.168.1.1' });
    expect(doc.leef).toMatchObject({
      vendor: 'QRadar',
      event_id: 'NEW_PORT_DISCOVERD',
      attributes: { dst: '172.50.123.1' },
    });
  });
});
