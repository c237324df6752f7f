/**
 * @module soc/ingest/syslog/framing
 * Splits a TCP/TLS syslog stream into messages (RFC 6587): octet-counting (`<length> <message>`) or
 * newline-terminated, decided per frame (a frame starting with digits and a space is counted), since one
 * forwarder may switch and some mix them. A frame longer than the limit keeps its first `maxBytes` (tagged
 * truncated) and the rest is skipped as it streams by, never buffered: one connection holds at most
 * `maxBytes` whatever the sender does.
 */

/** One message cut from the stream. */
export interface Frame {
  bytes: Buffer;
  truncated: boolean;
}

enum State {
  Start,
  Count,
  Octets,
  Line,
  SkipOctets,
  SkipLine,
}

const LF = 10;
const CR = 13;
const SP = 32;
const MAX_COUNT_DIGITS = 10;

/** A per-connection framer: `push` each chunk, `end` when the connection closes. */
export class SyslogFramer {
  private state = State.Start;
  private parts: Buffer[] = [];
  private length = 0;
  private digits = 0;
  private countValue = 0;
  /** Bytes of the current octet-counted frame still to read (or to skip). */
  private remaining = 0;

  constructor(private readonly maxBytes: number) {}

  /** Appends the frames completed by `chunk` to `out`. */
  push(chunk: Buffer, out: Frame[]): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      switch (this.state) {
        case State.Start: {
          const c = chunk[i] as number;
          // Blank lines and NULs between frames (senders that end counted frames with LF) are not messages.
          if (c === LF || c === CR || c === 0) {
            i++;
          } else if (c >= 48 && c <= 57) {
            this.state = State.Count;
            this.digits = 0;
            this.countValue = 0;
          } else this.state = State.Line;
          break;
        }
        case State.Count: {
          const c = chunk[i] as number;
          if (c >= 48 && c <= 57 && this.digits < MAX_COUNT_DIGITS) {
            this.countValue = this.countValue * 10 + (c - 48);
            this.digits++;
            i++;
          } else if (c === SP && this.digits > 0) {
            i++;
            this.remaining = this.countValue;
            this.state = State.Octets;
            if (this.remaining === 0) this.state = State.Start;
          } else {
            // Digits not followed by a space: a newline-terminated message that starts with digits.
            this.append(Buffer.from(String(this.countValue).padStart(this.digits, '0')), out);
            this.state = State.Line;
          }
          break;
        }
        case State.Octets: {
          const take = Math.min(this.remaining, n - i);
          const room = this.maxBytes - this.length;
          if (room > 0) this.store(chunk.subarray(i, i + Math.min(take, room)));
          this.remaining -= take;
          i += take;
          if (this.remaining === 0) {
            this.emit(out, this.countValue > this.maxBytes);
            this.state = State.Start;
          } else if (this.length >= this.maxBytes) {
            this.emit(out, true);
            this.state = State.SkipOctets;
          }
          break;
        }
        case State.SkipOctets: {
          const take = Math.min(this.remaining, n - i);
          this.remaining -= take;
          i += take;
          if (this.remaining === 0) this.state = State.Start;
          break;
        }
        case State.Line: {
          const lf = chunk.indexOf(LF, i);
          const end = lf === -1 ? n : lf;
          this.append(chunk.subarray(i, end), out);
          i = end;
          if (lf !== -1) {
            i++;
            if (this.state === State.Line) this.emit(out, false);
            this.state = State.Start;
          }
          break;
        }
        case State.SkipLine: {
          const lf = chunk.indexOf(LF, i);
          if (lf === -1) i = n;
          else {
            i = lf + 1;
            this.state = State.Start;
          }
          break;
        }
      }
    }
  }

  /** The connection closed: a message without its terminator is still a message; a cut counted one is truncated. */
  end(out: Frame[]): void {
    if (this.state === State.Count) {
      this.store(Buffer.from(String(this.countValue).padStart(this.digits, '0')));
      this.emit(out, false);
    } else if (this.state === State.Line) this.emit(out, false);
    else if (this.state === State.Octets) this.emit(out, true);
    this.state = State.Start;
  }

  /** Bytes held for the frame being read (at most `maxBytes`). */
  get buffered(): number {
    return this.length;
  }

  /** Adds line bytes; past the limit, emits the cut line and skips to its end. */
  private append(bytes: Buffer, out: Frame[]): void {
    const room = this.maxBytes - this.length;
    if (bytes.length <= room) {
      this.store(bytes);
      return;
    }
    this.store(bytes.subarray(0, room));
    this.emit(out, true);
    this.state = State.SkipLine;
  }

  private store(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.parts.push(bytes);
    this.length += bytes.length;
  }

  private emit(out: Frame[], truncated: boolean): void {
    let bytes = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.length);
    this.parts = [];
    this.length = 0;
    let end = bytes.length;
    while (end > 0 && (bytes[end - 1] === LF || bytes[end - 1] === CR || bytes[end - 1] === 0)) end--;
    if (end < bytes.length) bytes = bytes.subarray(0, end);
    if (bytes.length > 0) out.push({ bytes, truncated });
  }
}
