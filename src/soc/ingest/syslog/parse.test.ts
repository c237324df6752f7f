import { describe, expect, it } from 'vitest';
import { parseSyslog } from './parse.ts';

const at = (iso: string) => ({ nowMs: Date.parse(iso) });

describe('RFC 5424 messages (examples of RFC 5424 §6.5)', () => {
  it('reads every header field, NILVALUE as absent, and drops the BOM of the MSG', () => {
    const { doc, unparsed } = parseSyslog(
      "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \uFEFF'su root' failed for lonvick on /dev/pts/8",
      at('2003-10-11T22:15:00Z'),
    );
    expect(unparsed).toBe(false);
    expect(doc).toEqual({
      '@timestamp': '2003-10-11T22:14:15.003Z',
      message: "'su root' failed for lonvick on /dev/pts/8",
      host: { hostname: 'mymachine.example.com' },
      log: {
        syslog: {
          priority: 34,
          facility: { code: 4, name: 'auth' },
          severity: { code: 2, name: 'Critical' },
          version: 1,
          hostname: 'mymachine.example.com',
          appname: 'su',
          msgid: 'ID47',
        },
      },
    });
  });

  it('converts a timestamp with a zone offset and microseconds to UTC', () => {
    const { doc } = parseSyslog(
      "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.",
      at('2003-08-24T12:00:00Z'),
    );
    expect(doc['@timestamp']).toBe('2003-08-24T12:14:15.000Z');
    expect(doc.log?.syslog).toMatchObject({
      facility: { code: 20, name: 'local4' },
      severity: { code: 5, name: 'Notice' },
      procid: '8710',
    });
    expect(doc.message).toBe("%% It's time to make the do-nuts.");
  });

  it('reads structured data elements, several of them, and a message-less record', () => {
    const { doc } = parseSyslog(
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]',
      at('2003-10-11T22:15:00Z'),
    );
    expect(doc.log?.syslog.structured_data).toEqual({
      'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' },
      'examplePriority@32473': { class: 'high' },
    });
    expect(doc.message).toBe('');
  });

  it('unescapes \\", \\\\ and \\] in parameter values and keeps other backslashes', () => {
    const { doc } = parseSyslog(
      String.raw`<14>1 2024-05-01T08:00:00+07:00 web01 app 42 - [x@1 q="say \"hi\"" p="C:\\dir\\" b="a\]b" o="\n"] done`,
      at('2024-05-01T01:00:00Z'),
    );
    expect(doc.log?.syslog.structured_data).toEqual({
      'x@1': { q: 'say "hi"', p: 'C:\\dir\\', b: 'a]b', o: '\\n' },
    });
    expect(doc.message).toBe('done');
    expect(doc['@timestamp']).toBe('2024-05-01T01:00:00.000Z');
  });

  it('treats a broken RFC 5424 header as unparsed rather than guessing', () => {
    for (const text of [
      '<14>1 2024-13-01T00:00:00Z h a p m - x',
      '<14>1 2024-05-01T08:00:00Z h a p m [x@1 a="unterminated] msg',
      '<14>1 2024-05-01T08:00:00Z h a p m junk msg',
      '<14>1 2024-05-01T08:00:00Z h',
    ]) {
      const { doc, unparsed } = parseSyslog(text, at('2024-05-01T00:00:00Z'));
      expect(unparsed, text).toBe(true);
      expect(doc).toEqual({ message: text });
    }
  });
});

describe('RFC 3164 messages', () => {
  it('reads the RFC 3164 §5.4 example: hostname, tag, local time of Asia/Ho_Chi_Minh', () => {
    const { doc, unparsed } = parseSyslog(
      "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
      at('2024-10-11T15:20:00Z'),
    );
    expect(unparsed).toBe(false);
    expect(doc).toEqual({
      '@timestamp': '2024-10-11T15:14:15.000Z',
      message: "'su root' failed for lonvick on /dev/pts/8",
      host: { hostname: 'mymachine' },
      log: {
        syslog: {
          priority: 34,
          facility: { code: 4, name: 'auth' },
          severity: { code: 2, name: 'Critical' },
          hostname: 'mymachine',
          appname: 'su',
        },
      },
    });
  });

  it('reads a tag with a pid, a space-padded day, and a message without a tag', () => {
    const a = parseSyslog(
      '<38>Mar  5 09:01:02 srv-01 sshd[1234]: Accepted password for root from 10.0.0.5 port 51234 ssh2',
      at('2024-03-05T03:00:00Z'),
    ).doc;
    expect(a.log?.syslog).toMatchObject({ hostname: 'srv-01', appname: 'sshd', procid: '1234' });
    expect(a['@timestamp']).toBe('2024-03-05T02:01:02.000Z');
    const b = parseSyslog('<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!', at('2024-02-05T10:40:00Z')).doc;
    expect(b.log?.syslog.hostname).toBe('10.0.0.99');
    expect(b.log?.syslog.appname).toBeUndefined();
    expect(b.message).toBe('Use the BFG!');
  });

  it('leaves the hostname out when the tag follows the timestamp directly', () => {
    const { doc } = parseSyslog('<13>Oct 11 22:14:15 su: hello', at('2024-10-11T15:20:00Z'));
    expect(doc.host).toBeUndefined();
    expect(doc.log?.syslog).toMatchObject({ appname: 'su' });
    expect(doc.message).toBe('hello');
  });

  it('infers last year for a December message received on 1 January, next year for the reverse', () => {
    const late = parseSyslog('<13>Dec 31 23:59:59 h app: x', at('2024-12-31T17:00:05Z')).doc; // 00:00:05 on 1 Jan 2025 in Hanoi
    expect(late['@timestamp']).toBe('2024-12-31T16:59:59.000Z');
    const early = parseSyslog('<13>Jan  1 00:00:01 h app: x', at('2024-12-31T16:59:50Z')).doc; // 23:59:50 on 31 Dec in Hanoi
    expect(early['@timestamp']).toBe('2024-12-31T17:00:01.000Z');
    const leap = parseSyslog('<13>Feb 29 10:00:00 h app: x', at('2025-03-01T00:00:00Z')).doc;
    expect(leap['@timestamp']).toBe('2024-02-29T03:00:00.000Z');
  });

  it('accepts a year in the header (Cisco, firewalls), fractions, and rsyslog ISO timestamps', () => {
    const withYear = parseSyslog(
      '<189>Mar  1 2023 00:00:00.120: host %LINK-3-UPDOWN: up',
      at('2024-06-01T00:00:00Z'),
    );
    expect(withYear.doc['@timestamp']).toBe('2023-02-28T17:00:00.120Z');
    const iso = parseSyslog(
      '<30>2024-06-01T10:00:00.5+07:00 gw dnsmasq[77]: query',
      at('2024-06-01T03:00:00Z'),
    );
    expect(iso.doc['@timestamp']).toBe('2024-06-01T03:00:00.500Z');
    expect(iso.doc.log?.syslog).toMatchObject({ hostname: 'gw', appname: 'dnsmasq', procid: '77' });
  });

  it('keeps a message whose header has no timestamp, with its priority', () => {
    const { doc, unparsed } = parseSyslog(
      '<86>sudo: pam_unix(sudo:session): opened',
      at('2024-01-01T00:00:00Z'),
    );
    expect(unparsed).toBe(false);
    expect(doc['@timestamp']).toBeUndefined();
    expect(doc.log?.syslog).toMatchObject({ priority: 86, facility: { name: 'authpriv' }, appname: 'sudo' });
  });

  it('flags text without a valid priority as unparsed and keeps it whole', () => {
    for (const text of ['hello world', '<192>Oct 11 22:14:15 h a: x', '<1x>y', '<>', '', '<13']) {
      const r = parseSyslog(text, at('2024-01-01T00:00:00Z'));
      expect(r).toEqual({ doc: { message: text }, unparsed: true });
    }
  });
});
