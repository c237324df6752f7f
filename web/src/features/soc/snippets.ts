/**
 * Configuration snippets for the shippers agencies already run, pointing at this platform: the Beats,
 * Fluent Bit and Vector through the Elasticsearch-compatible endpoint with the new token, rsyslog through
 * the syslog TCP input (omfwd speaks syslog, not HTTP: it needs no token).
 */
import type { IssuedToken } from './api';

/** A value in double quotes, as YAML, TOML and Logstash configuration write strings (escapes included). */
const quoted = (value: string): string => JSON.stringify(value);

export interface Snippet {
  name: string;
  language: string;
  text: string;
}

/** The snippets for a token just issued; `origin` is the platform's address, `syslog` its TCP input. */
export function shipperSnippets(
  token: IssuedToken,
  origin: string,
  syslog: { host: string; port: number },
): Snippet[] {
  const es = `${origin}/api/soc/ingest/es`;
  const url = new URL(origin);
  const tls = url.protocol === 'https:';
  const port = url.port || (tls ? '443' : '80');
  return [
    {
      name: 'Filebeat / Winlogbeat',
      language: 'yaml',
      text: [
        '# filebeat.yml / winlogbeat.yml',
        'output.elasticsearch:',
        `  hosts: ["${es}"]`,
        `  api_key: ${quoted(token.apiKey)}`,
        ...(tls ? ['  ssl.verification_mode: full'] : []),
        'setup.ilm.enabled: false',
        'setup.template.enabled: false',
      ].join('\n'),
    },
    {
      name: 'Fluent Bit',
      language: 'ini',
      text: [
        '[OUTPUT]',
        '    Name            es',
        '    Match           *',
        `    Host            ${url.hostname}`,
        `    Port            ${port}`,
        '    Path            /api/soc/ingest/es',
        `    HTTP_User       ${token.username}`,
        `    HTTP_Passwd     ${token.password}`,
        `    tls             ${tls ? 'On' : 'Off'}`,
        '    Suppress_Type_Name On',
      ].join('\n'),
    },
    {
      name: 'Vector',
      language: 'toml',
      text: [
        '[sinks.tinhso_soc]',
        'type = "elasticsearch"',
        'inputs = ["*"]',
        `endpoints = ["${es}"]`,
        'api_version = "v8"',
        'auth.strategy = "basic"',
        `auth.user = ${quoted(token.username)}`,
        `auth.password = ${quoted(token.password)}`,
      ].join('\n'),
    },
    {
      name: 'Logstash',
      language: 'ruby',
      text: [
        'output {',
        '  elasticsearch {',
        `    hosts => ["${es}"]`,
        `    user => ${quoted(token.username)}`,
        `    password => ${quoted(token.password)}`,
        '    ilm_enabled => false',
        '    manage_template => false',
        '  }',
        '}',
      ].join('\n'),
    },
    {
      name: 'HTTP JSON (curl)',
      language: 'shell',
      text: [
        `curl -X POST '${origin}/api/soc/ingest/events' \\`,
        `  -H 'Authorization: Bearer ${token.token}' \\`,
        "  -H 'Content-Type: application/x-ndjson' \\",
        `  --data-binary '{"message":"hello from curl"}'`,
      ].join('\n'),
    },
    {
      name: 'rsyslog (omfwd)',
      language: 'rsyslog',
      text: [
        '# /etc/rsyslog.d/90-tinhso-soc.conf — syslog over TCP (RFC 6587 octet counting)',
        'action(type="omfwd"',
        `       target="${syslog.host}" port="${syslog.port}" protocol="tcp"`,
        '       TCP_Framing="octet-counted"',
        '       template="RSYSLOG_SyslogProtocol23Format"',
        '       queue.type="LinkedList" queue.filename="tinhso_soc" queue.saveOnShutdown="on"',
        '       action.resumeRetryCount="-1")',
      ].join('\n'),
    },
  ];
}
