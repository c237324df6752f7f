/**
 * bench/soc-events.ts — what the SIEM bench feeds: a realistic mix of raw events as the inputs hand them over
 * (sshd and nginx lines as syslog/file text, Suricata EVE and Winlogbeat Windows events as `_bulk` documents),
 * and a set-based generator filling the event store with N events spread over days for timing searches.
 */
import type { RawEvent } from '../src/soc/contracts.ts';

const hosts = Array.from({ length: 40 }, (_, i) => `srv-${String(i + 1).padStart(2, '0')}.soc.sonha.gov.vn`);
const users = ['admin', 'root', 'nguyenvana', 'tranthib', 'lethic', 'oracle', 'test', 'ubuntu', 'phamvand'];
const paths = [
  '/',
  '/dich-vu-cong/ho-so',
  '/api/v1/tra-cuu?ma=H23.10',
  '/wp-login.php',
  '/static/app.js',
  '/.env',
];
const signatures = [
  [2_001_219, 'ET SCAN Potential SSH Scan', 2],
  [2_019_401, 'ET POLICY Vulnerable Java Version', 3],
  [2_024_792, 'ET WEB_SERVER Possible SQL Injection Attempt', 1],
  [2_210_054, 'SURICATA STREAM excessive retransmissions', 3],
] as const;

let seq = 0;
const pick = <T>(a: readonly T[], n: number): T => a[n % a.length] as T;
const ip = (n: number) => `203.0.${(n >> 8) & 255}.${n & 255}`;
const lan = (n: number) => `10.${20 + (n % 8)}.${(n >> 4) & 255}.${(n * 7) & 255}`;
const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An RFC 3164 timestamp (`Dec  7 04:51:44`) in UTC. */
export function syslogDate(t: Date): string {
  const d = String(t.getUTCDate()).padStart(2, ' ');
  return `${month[t.getUTCMonth()]} ${d} ${t.toISOString().slice(11, 19)}`;
}

function sshd(n: number, now: number): RawEvent {
  const host = pick(hosts, n);
  const user = pick(users, n >> 3);
  const failed = n % 5 !== 0;
  const msg = failed
    ? `Failed password for ${n % 3 ? '' : 'invalid user '}${user} from ${ip(n)} port ${1024 + (n % 60000)} ssh2`
    : `Accepted publickey for ${user} from ${lan(n)} port ${1024 + (n % 60000)} ssh2: ED25519 SHA256:Qm${n}`;
  const text = `<38>${syslogDate(new Date(now))} ${host.split('.')[0]} sshd[${1000 + (n % 3000)}]: ${msg}`;
  return {
    input: 'syslog-tcp',
    kind: 'syslog-tcp',
    receivedAt: now,
    peer: lan(n >> 2),
    text,
    doc: {
      message: msg,
      host: { hostname: host.split('.')[0] },
      log: {
        syslog: {
          priority: 38,
          facility: { code: 4, name: 'auth' },
          severity: { code: 6, name: 'informational' },
          hostname: host.split('.')[0],
          appname: 'sshd',
          procid: String(1000 + (n % 3000)),
        },
      },
    },
  };
}

function nginx(n: number, now: number): RawEvent {
  const status = pick([200, 200, 200, 304, 404, 500, 403], n);
  const t = new Date(now + 7 * 3_600_000).toISOString();
  const when = `${t.slice(8, 10)}/${month[Number(t.slice(5, 7)) - 1]}/${t.slice(0, 4)}:${t.slice(11, 19)} +0700`;
  const text = `${ip(n * 13)} - ${n % 7 ? '-' : pick(users, n)} [${when}] "GET ${pick(paths, n)} HTTP/1.1" ${status} ${200 + (n % 50_000)} "https://dichvucong.sonha.gov.vn/" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"`;
  return { input: 'file:bench', kind: 'file', receivedAt: now, text, pipeline: 'nginx' };
}

function suricata(n: number, now: number): RawEvent {
  const [sid, signature, severity] = pick(signatures, n);
  return {
    input: 'bulk',
    kind: 'bulk',
    receivedAt: now,
    pipeline: 'suricata',
    doc: {
      timestamp: new Date(now).toISOString().replace('Z', '+0000'),
      flow_id: 1_000_000_000_000 + n,
      in_iface: 'ens192',
      event_type: 'alert',
      src_ip: ip(n * 31),
      src_port: 1024 + (n % 60000),
      dest_ip: lan(n),
      dest_port: pick([22, 80, 443, 3389, 1433], n),
      proto: 'TCP',
      community_id: `1:${Buffer.from(String(n)).toString('base64')}=`,
      alert: {
        action: 'allowed',
        gid: 1,
        signature_id: sid,
        rev: 7,
        signature,
        category: 'Attempted Information Leak',
        severity,
      },
      app_proto: 'tls',
      flow: {
        pkts_toserver: 5,
        pkts_toclient: 4,
        bytes_toserver: 629,
        bytes_toclient: 1320,
        start: new Date(now - 2000).toISOString(),
      },
      host: pick(hosts, n >> 1),
    },
  };
}

function windows(n: number, now: number): RawEvent {
  const host = pick(hosts, n >> 2);
  const user = pick(users, n);
  return {
    input: 'bulk',
    kind: 'bulk',
    receivedAt: now,
    pipeline: 'windows',
    doc: {
      '@timestamp': new Date(now).toISOString(),
      agent: { type: 'winlogbeat', version: '8.14.3', name: host },
      ecs: { version: '8.0.0' },
      host: { name: host, os: { family: 'windows', version: '10.0', name: 'Windows Server 2019 Standard' } },
      event: {
        code: '4625',
        provider: 'Microsoft-Windows-Security-Auditing',
        kind: 'event',
        created: new Date(now).toISOString(),
        module: 'security',
        action: 'logon-failed',
        outcome: 'failure',
      },
      log: { level: 'information' },
      message: `An account failed to log on.\n\nSubject:\n\tSecurity ID:\t\tS-1-0-0\n\nAccount For Which Logon Failed:\n\tAccount Name:\t\t${user}\n\tAccount Domain:\t\tSONHA\n\nFailure Information:\n\tFailure Reason:\t\tUnknown user name or bad password.\n\tStatus:\t\t\t0xC000006D`,
      winlog: {
        channel: 'Security',
        event_id: '4625',
        record_id: String(10_000_000 + n),
        computer_name: host,
        provider_name: 'Microsoft-Windows-Security-Auditing',
        event_data: {
          TargetUserName: user,
          TargetDomainName: 'SONHA',
          LogonType: '3',
          IpAddress: ip(n * 17),
          IpPort: '0',
          Status: '0xc000006d',
          SubStatus: '0xc0000064',
          WorkstationName: `PC-${n % 500}`,
        },
        logon: { type: 'Network', failure: { reason: 'Unknown user name or bad password.' } },
      },
    },
  };
}

const kinds = [sshd, nginx, suricata, windows];

/** The next `count` raw events of the mix (a quarter of each kind), received now. */
export function nextEvents(count: number, now = Date.now()): RawEvent[] {
  const out: RawEvent[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const n = seq++;
    out[i] = (kinds[n % 4] as (n: number, now: number) => RawEvent)(n >> 2, now);
  }
  return out;
}

/**
 * SQL filling `soc_events` with `count` events spread evenly over the `days` days before `end`, set-based
 * (one INSERT … SELECT generate_series per day partition; the partitions must exist). Hosts, users, IPs and
 * datasets cycle so a field query selects about 1/40 (host) or 1/9 (user) of a day. Parameters: $1 the day's
 * start (timestamptz), $2 events in the day, $3 the first sequence number.
 */
export function fillSql(partition: string): string {
  return `insert into ${partition} (id, ts, received_at, input, dataset, kind, category, action, outcome, severity,
            host_name, source_ip, source_port, destination_ip, destination_port, user_name, process_name, message, tags, doc)
    select gen_random_uuid(), t, t, 'bench',
           (array['system.auth','nginx.access','suricata.eve','windows.security'])[1 + g % 4],
           'event', array['authentication'], (array['ssh_login','access','alert','logon-failed'])[1 + g % 4],
           (array['failure','success'])[1 + (g % 5 = 0)::int], (g % 4)::smallint,
           'srv-' || lpad((1 + g % 40)::text, 2, '0') || '.soc.sonha.gov.vn',
           ('203.0.' || ((g >> 8) & 255) || '.' || (g & 255))::inet, 1024 + g % 60000,
           ('10.' || (20 + g % 8) || '.' || ((g >> 4) & 255) || '.' || ((g * 7) & 255))::inet, (array[22,80,443,3389])[1 + g % 4],
           (array['admin','root','nguyenvana','tranthib','lethic','oracle','test','ubuntu','phamvand'])[1 + g % 9],
           'sshd', 'Failed password for user ' || g || ' from 203.0.113.' || (g & 255), null,
           jsonb_build_object('message', 'generated event ' || g, 'event', jsonb_build_object('dataset', 'bench', 'sequence', g),
                              'labels', jsonb_build_object('fill', 'bench'))
      from generate_series($3::int, $3::int + $2::int - 1) as g,
           lateral (select $1::timestamptz + (g - $3::int) * (interval '86399 seconds' / $2::int) as t) as times`;
}
