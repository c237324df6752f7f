import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { charsetSupported, cutPoint, decodeMessage } from './decode.ts';
import { toRawEvent } from './raw-event.ts';

const from = {
  input: 'syslog-udp',
  kind: 'syslog-udp' as const,
  maxBytes: 1024,
  receivedAt: Date.parse('2024-01-01T00:00:00Z'),
};

describe('charsets of received messages', () => {
  it('decodes UTF-8 by default and returns NFC even when the sender wrote NFD', () => {
    const nfd = 'Sở Tài chính'.normalize('NFD');
    const { text, invalidUtf8 } = decodeMessage(Buffer.from(nfd, 'utf8'));
    expect(text).toBe('Sở Tài chính'.normalize('NFC'));
    expect(invalidUtf8).toBe(false);
  });

  it('replaces invalid UTF-8 with U+FFFD and tags the event invalid_utf8', () => {
    const bytes = Buffer.concat([
      Buffer.from('<13>Oct 11 22:14:15 h app: bad '),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from(' end'),
    ]);
    const e = toRawEvent(bytes, false, from);
    expect(e.text).toContain('\uFFFD');
    expect(e.text).toContain(' end');
    expect(e.tags).toEqual(['invalid_utf8']);
    expect((e.doc as { log: { syslog: { appname: string } } }).log.syslog.appname).toBe('app');
  });

  it('decodes a declared windows-1258 (combining tones) to NFC Vietnamese', () => {
    // As a Windows-1258 sender writes it: base letters (â = E2, ê = EA, ă = E3, Đ = D0) then combining
    // tone marks (dot below F2, acute EC, tilde DE).
    const b = (s: string) => [...Buffer.from(s, 'latin1')];
    const bytes = Buffer.from([
      0xd0,
      0xe3,
      ...b('ng nh'),
      0xe2,
      0xf2,
      ...b('p th'),
      0xe2,
      0xec,
      ...b('t ba'),
      0xf2,
      ...b('i: Nguy'),
      0xea,
      0xde,
      ...b('n V'),
      0xe3,
      ...b('n A'),
    ]);
    const e = toRawEvent(Buffer.concat([Buffer.from('<13>Oct 11 22:14:15 h app: '), bytes]), false, {
      ...from,
      charset: 'windows-1258',
    });
    expect((e.doc as { message: string }).message).toBe('Đăng nhập thất bại: Nguyễn Văn A'.normalize('NFC'));
    expect(e.tags).toBeUndefined();
  });

  it('decodes declared iso-8859-1 and shift_jis', () => {
    expect(decodeMessage(Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'iso-8859-1').text).toBe('café');
    expect(decodeMessage(iconv.encode('ログイン失敗', 'shift_jis'), 'shift_jis').text).toBe('ログイン失敗');
  });

  it('reads an RFC 5424 message with a BOM as UTF-8 whatever the input declares', () => {
    const bytes = Buffer.concat([
      Buffer.from('<13>1 - h a - - - '),
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('Tỉnh Số', 'utf8'),
    ]);
    const e = toRawEvent(bytes, false, { ...from, charset: 'windows-1258' });
    expect((e.doc as { message: string }).message).toBe('Tỉnh Số');
  });

  it('knows which charsets it can decode', () => {
    expect(charsetSupported('windows-1258')).toBe(true);
    expect(charsetSupported('UTF-8')).toBe(true);
    expect(charsetSupported('klingon-1')).toBe(false);
  });
});

describe('giant messages', () => {
  it('cuts at the configured size on a character boundary and tags truncated, not invalid_utf8', () => {
    const text = `<13>Oct 11 22:14:15 h app: ${'ệ'.repeat(600)}`;
    const bytes = Buffer.from(text, 'utf8');
    const e = toRawEvent(bytes, false, { ...from, maxBytes: 301 });
    expect(e.tags).toEqual(['truncated']);
    expect(Buffer.byteLength(e.text ?? '')).toBeLessThanOrEqual(301);
    expect(e.text).not.toContain('\uFFFD');
    expect(text.startsWith(e.text ?? 'x')).toBe(true);
  });

  it('never cuts inside a sequence', () => {
    const b = Buffer.from('aé€😀', 'utf8'); // 1 + 2 + 3 + 4 bytes
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((m) => cutPoint(b, m))).toEqual([
      1, 1, 3, 3, 3, 6, 6, 6, 6, 10,
    ]);
  });
});
