import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { importTags } from './formats.ts';
import { ImportReadError } from './reader.ts';
import { fixture, readAll, utf16be, utf16le } from './testing.ts';

describe('readImport, per format', () => {
  it('reads JSON lines as documents for the json pipeline and skips the blank line', async () => {
    const { events, state } = await readAll(fixture('app.jsonl'));
    expect(state.format).toBe('jsonl');
    expect(events).toHaveLength(4);
    expect(events[0]).toMatchObject({
      kind: 'file',
      input: 'file:00000000-0000-4000-8000-000000000001',
      pipeline: 'json',
      doc: { user: 'nguyenvana', message: 'Đăng nhập thành công' },
    });
    expect(events.every((e) => e.text === undefined && e.tags === undefined)).toBe(true);
  });

  it('reads Suricata EVE as documents for the suricata pipeline', async () => {
    const { events } = await readAll(fixture('suricata-eve.ndjson'));
    expect(events.map((e) => e.doc?.event_type)).toEqual(['alert', 'http', 'dns', 'tls', 'flow']);
    expect(new Set(events.map((e) => e.pipeline))).toEqual(new Set(['suricata']));
  });

  it('gives Zeek JSON its _path from the file name when the records lack one', async () => {
    const { events, state } = await readAll(fixture('zeek-conn.ndjson'), { fileName: 'conn.log' });
    expect(state.format).toBe('zeek-json');
    expect(events).toHaveLength(3);
    expect(events[0]?.doc).toMatchObject({ _path: 'conn', 'id.orig_h': '198.51.100.23', 'id.resp_p': 80 });
    expect(events[0]?.pipeline).toBe('zeek');
  });

  it('converts Zeek TSV rows by their #types into the documents Zeek JSON would hold', async () => {
    const { events, state } = await readAll(fixture('zeek-conn.tsv.log'), { fileName: 'x.log' });
    expect(state.format).toBe('zeek-tsv');
    expect(events).toHaveLength(3); // header and #close lines are not events
    expect(events[0]?.doc).toEqual({
      _path: 'conn',
      ts: 1763604753.401221,
      uid: 'CHhAvVGS1DHFjwGM9',
      'id.orig_h': '198.51.100.23',
      'id.orig_p': 51432,
      'id.resp_h': '10.20.1.15',
      'id.resp_p': 80,
      proto: 'tcp',
      service: 'http',
      duration: 0.713286,
      orig_bytes: 516,
      resp_bytes: 5120,
      conn_state: 'SF',
      local_orig: false,
      local_resp: true,
      missed_bytes: 0,
      history: 'ShADadFf',
      orig_pkts: 6,
      orig_ip_bytes: 836,
      resp_pkts: 5,
      resp_ip_bytes: 5388,
      tunnel_parents: [],
    });
    // `-` (unset) is left out; a set splits on #set_separator.
    expect(events[2]?.doc?.service).toBeUndefined();
    expect(events[2]?.doc?.tunnel_parents).toEqual(['Cv8vEp3sU9xA1n2m3b', 'Cq1w2e3r4t5y6u7i8o']);
    expect(events[0]?.pipeline).toBe('zeek');
  });

  it('honours other separators and escapes in Zeek TSV headers and values', async () => {
    const tsv = [
      '#separator \\x7c',
      '#set_separator|;',
      '#empty_field|EMPTY',
      '#unset_field|NONE',
      '#path|dns',
      '#fields|ts|query|answers|rejected',
      '#types|time|string|vector[string]|bool',
      '1763604755.1|a\\x7cb.example|1.2.3.4;5.6.7.8|F',
      '1763604756.2|NONE|EMPTY|T',
      'only|three|values',
    ].join('\n');
    const { events, state } = await readAll(Buffer.from(tsv));
    expect(events[0]?.doc).toEqual({
      _path: 'dns',
      ts: 1763604755.1,
      query: 'a|b.example',
      answers: ['1.2.3.4', '5.6.7.8'],
      rejected: false,
    });
    expect(events[1]?.doc).toEqual({ _path: 'dns', ts: 1763604756.2, answers: [], rejected: true });
    expect(events[2]).toMatchObject({ text: 'only|three|values', tags: [importTags.zeekInvalid] });
    expect(state.problems).toBe(1);
  });

  it.each([
    ['auth.log', 'auth-log', 'linux-auth', 9],
    ['nginx-access.log', 'nginx', 'nginx', 4],
    ['apache-access.log', 'apache', 'apache', 4],
  ])('reads %s as text lines for the %s format (%s pipeline)', async (file, format, pipeline, count) => {
    const { events, state } = await readAll(fixture(file));
    expect(state.format).toBe(format);
    expect(events).toHaveLength(count);
    expect(events.every((e) => e.pipeline === pipeline && typeof e.text === 'string' && !e.doc)).toBe(true);
    expect(events[0]?.text).toBe(fixture(file).toString('utf8').split('\n')[0]);
  });

  it('reads Winlogbeat documents for the windows pipeline', async () => {
    const { events, state } = await readAll(fixture('winlogbeat.ndjson'));
    expect(state.format).toBe('winlogbeat');
    expect(events.map((e) => (e.doc as { winlog: { event_id: string } }).winlog.event_id)).toEqual([
      '4624',
      '4625',
      '1',
    ]);
    expect(events[0]?.pipeline).toBe('windows');
  });

  it('reads Get-WinEvent | ConvertTo-Json written as UTF-16 LE with a BOM, one event per array element', async () => {
    const { events, state } = await readAll(utf16le(fixture('get-winevent.utf8.txt').toString('utf8')));
    expect(state.encoding).toBe('utf-16le');
    expect(state.format).toBe('get-winevent');
    expect(events.map((e) => e.doc?.Id)).toEqual([4624, 4625, 4672]);
    expect(events[0]?.pipeline).toBe('windows');
    expect(String(events[0]?.doc?.Message)).toContain('Nguyễn Văn A');
    expect(String(events[1]?.doc?.Message)).toContain('<KALI>');
  });

  it('reads UTF-16 BE and a UTF-8 BOM too', async () => {
    const be = await readAll(utf16be(fixture('auth.log').toString('utf8')));
    expect(be.state.encoding).toBe('utf-16be');
    expect(be.events[0]?.text).toContain('Accepted publickey for deploy');
    const bom = await readAll(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fixture('app.jsonl')]));
    expect(bom.state.format).toBe('jsonl');
    expect(bom.events).toHaveLength(4);
  });

  it('reads a gzip file by its magic bytes, or when told', async () => {
    const gz = gzipSync(fixture('suricata-eve.ndjson'));
    const sniffed = await readAll(gz);
    expect(sniffed.state.compressed).toBe(true);
    expect(sniffed.events).toHaveLength(5);
    expect(sniffed.state.bytesRead).toBe(gz.length);
    const told = await readAll(gz, { gzip: true, format: 'suricata-eve' });
    expect(told.events).toHaveLength(5);
  });

  it('fails a damaged gzip file with its code', async () => {
    const gz = gzipSync(fixture('auth.log'));
    await expect(readAll(gz.subarray(0, gz.length - 20), { gzip: true })).rejects.toMatchObject({
      code: 'SOC_IMPORT_GZIP_INVALID',
    });
    await expect(readAll(Buffer.from('not gzip at all\n'), { gzip: true })).rejects.toBeInstanceOf(
      ImportReadError,
    );
  });
});

describe('readImport, bad records are kept and tagged', () => {
  it('cuts a giant line at maxEventBytes, tags it truncated, and goes on with the next line', async () => {
    const giant = `Nov 20 09:01:12 web01 sshd[1]: ${'A'.repeat(5000)}`;
    const file = Buffer.from(`${giant}\nNov 20 09:01:13 web01 sshd[1]: ok\n`);
    const { events, state } = await readAll(file, { format: 'auth-log', maxEventBytes: 1024 });
    expect(events).toHaveLength(2);
    expect(events[0]?.text).toHaveLength(1024);
    expect(events[0]?.tags).toEqual([importTags.truncated]);
    expect(events[1]).toMatchObject({ text: 'Nov 20 09:01:13 web01 sshd[1]: ok' });
    expect(events[1]?.tags).toBeUndefined();
    expect(state.problems).toBe(1);
  });

  it('does not count a character cut in half by the limit as invalid UTF-8', async () => {
    const { events } = await readAll(Buffer.from(`${'ệ'.repeat(600)}\n`), {
      format: 'lines',
      maxEventBytes: 1000,
    });
    expect(events[0]?.tags).toEqual([importTags.truncated]);
    expect(events[0]?.text).toBe('ệ'.repeat(333));
  });

  it('keeps invalid UTF-8 and invalid JSON lines as text with their tags', async () => {
    const bad = Buffer.concat([
      Buffer.from('{"event_type":"alert","src_ip":"10.0.0.1"}\n'),
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x0a]), // {"a":"\xff\xfe"}
      Buffer.from('this is not json\n'),
      Buffer.from('{"event_type":"dns"}\r\n'),
    ]);
    const { events, state } = await readAll(bad, { format: 'suricata-eve' });
    expect(events).toHaveLength(4);
    expect(events[1]).toMatchObject({ doc: { a: '\uFFFD\uFFFD' }, tags: [importTags.invalidUtf8] });
    expect(events[2]).toMatchObject({ text: 'this is not json', tags: [importTags.invalidJson] });
    expect(events[3]?.doc).toEqual({ event_type: 'dns' });
    expect(state.problems).toBe(2);
  });

  it('splits a JSON array larger than a read chunk, and keeps a cut element as tagged text', async () => {
    const items = Array.from({ length: 3000 }, (_, i) => ({
      Id: 4624,
      RecordId: i,
      Message: 'x'.repeat(200),
    }));
    items[10] = { Id: 1, RecordId: 10, Message: 'y'.repeat(5000) };
    const { events } = await readAll(Buffer.from(JSON.stringify(items, null, 2)), {
      format: 'get-winevent',
      maxEventBytes: 2048,
    });
    expect(events).toHaveLength(3000);
    expect(events[2999]?.doc?.RecordId).toBe(2999);
    expect(events[10]?.tags).toEqual([importTags.truncated]);
    expect(events[10]?.text?.length).toBe(2048);
  });
});
