/**
 * @module core/config/schema
 * The configuration schema. Each key maps to an environment variable named
 * `TINHSO_<PATH>` (camelCase → SNAKE_CASE, dots → `_`), plus the aliases in `envAliases`.
 * Keys listed in `secretKeys` may also come from a file named by `<VAR>_FILE`.
 */
import { type Static, Type } from 'typebox';

const Cidr = Type.String({
  pattern: '^[0-9a-fA-F:.]+(/\\d{1,3})?$',
  description: 'IPv4/IPv6 address or CIDR',
});

export const ConfigSchema = Type.Object(
  {
    dataDir: Type.String({ default: './data', description: 'Folder for the embedded database and files' }),
    nodeId: Type.String({
      default: '',
      description: 'Name of this node among several; empty = hostname:pid',
    }),
    modules: Type.Array(Type.String(), {
      default: [],
      description: 'Modules served by this node; empty = all',
    }),
    database: Type.Object(
      {
        url: Type.String({
          default: '',
          description: 'postgres://… for PostgreSQL; empty = embedded PGlite in dataDir',
        }),
        poolSize: Type.Integer({ default: 20, minimum: 1, maximum: 500 }),
      },
      { default: {} },
    ),
    http: Type.Object(
      {
        host: Type.String({ default: '0.0.0.0' }),
        port: Type.Integer({ default: 8080, minimum: 0, maximum: 65535 }),
        publicUrl: Type.String({ default: '', description: 'URL people use, shown in messages' }),
        trustedProxies: Type.Array(Cidr, {
          default: [],
          description: 'Reverse proxies whose X-Forwarded-For/-Proto are believed',
        }),
        bodyLimit: Type.Integer({ default: 1_048_576, minimum: 1024 }),
        loginRateLimit: Type.Integer({
          default: 10,
          minimum: 1,
          description: 'Login attempts per IP per minute',
        }),
        shutdownGraceMs: Type.Integer({ default: 10_000, minimum: 0 }),
      },
      { default: {} },
    ),
    tls: Type.Object(
      {
        mode: Type.Union([Type.Literal('off'), Type.Literal('files'), Type.Literal('self-signed')], {
          default: 'off',
        }),
        certFile: Type.String({ default: '' }),
        keyFile: Type.String({ default: '' }),
        pfxFile: Type.String({ default: '' }),
        pfxPassphrase: Type.String({ default: '' }),
        hstsMaxAge: Type.Integer({ default: 31_536_000, minimum: 0 }),
      },
      { default: {} },
    ),
    security: Type.Object(
      {
        masterKey: Type.String({
          default: '',
          description:
            '32-byte key (64 hex chars) encrypting secrets at rest; generated into dataDir when embedded',
        }),
        cookieSecure: Type.Union([Type.Literal('auto'), Type.Literal('always')], { default: 'auto' }),
      },
      { default: {} },
    ),
    log: Type.Object(
      {
        level: Type.Union(
          ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
          { default: 'info' },
        ),
        pretty: Type.Boolean({ default: false }),
      },
      { default: {} },
    ),
    audit: Type.Object(
      {
        flushIntervalMs: Type.Integer({ default: 1000, minimum: 10 }),
        flushBatchSize: Type.Integer({ default: 500, minimum: 1 }),
      },
      { default: {} },
    ),
    backup: Type.Object(
      {
        dir: Type.String({ default: '', description: 'Backup folder; empty = dataDir/backups' }),
      },
      { default: {} },
    ),
    scheduler: Type.Object(
      {
        enabled: Type.Boolean({ default: true }),
        tickMs: Type.Integer({ default: 15_000, minimum: 100 }),
      },
      { default: {} },
    ),
    lgsp: Type.Object(
      {
        clockSkewSeconds: Type.Integer({
          default: 300,
          minimum: 5,
          maximum: 3600,
          description: 'Largest accepted difference between a signed request and this clock (LGSP-10)',
        }),
        sessionTtlSeconds: Type.Integer({
          default: 300,
          minimum: 30,
          maximum: 86_400,
          description: 'Lifetime of an access session key (Art. 10 step 2)',
        }),
        keyOverlapHours: Type.Integer({
          default: 24,
          minimum: 0,
          maximum: 720,
          description: 'How long a rotated secret keeps working beside the new one',
        }),
        gatewayMaxBodyBytes: Type.Integer({
          default: 52_428_800,
          minimum: 1024,
          description: 'Largest request body the gateway forwards',
        }),
        probeIntervalSeconds: Type.Integer({
          default: 30,
          minimum: 1,
          description: 'How often destinations are probed for online/offline (LGSP-15)',
        }),
        defaultRateLimitPerMinute: Type.Integer({
          default: 6000,
          minimum: 1,
          description: 'Requests per minute of an application without its own limit, across all nodes',
        }),
        exchangeRetentionDays: Type.Integer({
          default: 365,
          minimum: 1,
          maximum: 36_500,
          description: 'Days exchange records (LGSP-17/37) are kept before the daily job deletes them',
        }),
        offlineNotifyAfterSeconds: Type.Integer({
          default: 600,
          minimum: 0,
          description: 'Operators and the source unit are told when a destination stays offline this long',
        }),
      },
      { default: {} },
    ),
    soc: Type.Object(
      {
        // Inputs (syslog listeners; HTTP, _bulk and file import are routes of the HTTP server).
        syslog: Type.Object(
          {
            host: Type.String({ default: '0.0.0.0', description: 'Address the syslog listeners bind' }),
            udpPort: Type.Integer({ default: 5514, minimum: 0, maximum: 65535 }),
            tcpPort: Type.Integer({ default: 5514, minimum: 0, maximum: 65535 }),
            tlsPort: Type.Integer({
              default: 6514,
              minimum: 0,
              maximum: 65535,
              description: 'Syslog over TLS (RFC 5425); uses the tls.* certificate, off when TLS is off',
            }),
            autostart: Type.Boolean({
              default: true,
              description: 'Start the enabled inputs when the node starts (tests start them themselves)',
            }),
            maxConnections: Type.Integer({
              default: 1000,
              minimum: 1,
              description: 'Concurrent connections per TCP/TLS syslog listener; further ones are refused',
            }),
          },
          { default: {} },
        ),
        ingest: Type.Object(
          {
            maxEventBytes: Type.Integer({
              default: 65_536,
              minimum: 256,
              description: 'Longest event kept whole; longer ones are cut and tagged `truncated`',
            }),
            maxBulkBytes: Type.Integer({
              default: 104_857_600,
              minimum: 1024,
              description: 'Largest _bulk/NDJSON body',
            }),
            maxImportBytes: Type.Integer({
              default: 1_073_741_824,
              minimum: 1024,
              description: 'Largest file uploaded for forensic import',
            }),
          },
          { default: {} },
        ),
        processing: Type.Object(
          {
            queueCapacity: Type.Integer({
              default: 100_000,
              minimum: 100,
              description: 'Events waiting for processing on this node before inputs are told to wait',
            }),
            batchSize: Type.Integer({ default: 5000, minimum: 1, description: 'Events per store batch' }),
            concurrency: Type.Integer({
              default: 4,
              minimum: 1,
              maximum: 16,
              description:
                'Batches processed at once: Node parses some while the database copies and commits others (4 × 5000 measured best on 2 cores: bench/soc-ingest.bench.ts)',
            }),
            flushIntervalMs: Type.Integer({
              default: 200,
              minimum: 1,
              description: 'Longest wait to fill a batch',
            }),
            threads: Type.Integer({
              default: 1,
              minimum: 0,
              maximum: 16,
              description:
                'Worker threads that parse, normalise, enrich and store events beside the thread that receives them (PostgreSQL, in-process queue); 0 = all on the main thread. PGlite and NATS mode do not use them',
            }),
            eventTimeoutMs: Type.Integer({
              default: 250,
              minimum: 10,
              maximum: 60_000,
              description:
                'Longest one event may spend in the pipelines; one that takes longer (a pattern caught backtracking) is stopped and kept raw with the `_pipeline_timeout` tag',
            }),
            worker: Type.Boolean({
              default: true,
              description:
                'This node processes events (with NATS: consumes the stream); false = collector only',
            }),
            nats: Type.Object(
              {
                stream: Type.String({
                  default: 'TINHSO_SOC_RAW',
                  pattern: '^[A-Za-z0-9_-]{1,64}$',
                  description: 'JetStream stream of raw SIEM events (with nats.url)',
                }),
                subject: Type.String({
                  default: 'tinhso.soc.raw',
                  pattern: '^[a-z0-9_-]+(\\.[a-z0-9_-]+)*$',
                  description: 'Subject root of the stream: events are published to <subject>.<input>',
                }),
                maxBytes: Type.Integer({
                  default: 10_737_418_240,
                  minimum: 1_048_576,
                  description:
                    'Largest size of the stream; when full, publishing waits (inputs get back-pressure)',
                }),
                maxAgeHours: Type.Integer({
                  default: 72,
                  minimum: 1,
                  description:
                    'Raw events older than this are dropped from the stream even if never processed',
                }),
                ackWaitSeconds: Type.Integer({
                  default: 60,
                  minimum: 1,
                  description:
                    'A batch a worker took but did not acknowledge within this time is redelivered',
                }),
              },
              { default: {} },
            ),
          },
          { default: {} },
        ),
        search: Type.Object(
          {
            timeoutSeconds: Type.Number({
              default: 30,
              minimum: 0.1,
              maximum: 3600,
              description: 'Longest an event search or aggregation may run before it is stopped',
            }),
          },
          { default: {} },
        ),
        store: Type.Object(
          {
            defaultRetentionDays: Type.Integer({
              default: 180,
              minimum: 1,
              maximum: 36_500,
              description: 'Days events are kept when their source has no retention of its own',
            }),
            geoipDatabase: Type.String({
              default: '',
              description: 'Path of a MaxMind/DB-IP .mmdb file for GeoIP; empty = no GeoIP',
            }),
            messageIndexPendingKb: Type.Integer({
              default: 65_536,
              minimum: 64,
              maximum: 2_097_151,
              description:
                'Pending list of the message-words GIN index of each day partition (KB): new words are merged into the index in bulk, which costs ingest far less than word by word; searches also read the list',
            }),
          },
          { default: {} },
        ),
        sources: Type.Object(
          {
            intervals: Type.Object(
              {
                host: Type.Integer({
                  default: 3600,
                  minimum: 0,
                  description: 'Expected seconds between reports of a host; 0 = not watched',
                }),
                networkDevice: Type.Integer({
                  default: 900,
                  minimum: 0,
                  description: 'Of a network device (firewall, router, switch)',
                }),
                agent: Type.Integer({
                  default: 900,
                  minimum: 0,
                  description: 'Of an agent (Beats, Wazuh, Fluent Bit…)',
                }),
                sensor: Type.Integer({
                  default: 900,
                  minimum: 0,
                  description: 'Of a sensor (Suricata, Zeek)',
                }),
                application: Type.Integer({ default: 3600, minimum: 0, description: 'Of an application' }),
              },
              { default: {} },
            ),
            graceFactor: Type.Number({
              default: 2,
              minimum: 1,
              maximum: 100,
              description: 'A source is silent when nothing came for its interval × this factor',
            }),
            flushIntervalMs: Type.Integer({
              default: 5000,
              minimum: 100,
              maximum: 60_000,
              description: 'How often a node writes the last-seen times and event counts of its sources',
            }),
          },
          { default: {} },
        ),
      },
      { default: {} },
    ),
    nats: Type.Object({ url: Type.String({ default: '' }) }, { default: {} }),
    redis: Type.Object({ url: Type.String({ default: '' }) }, { default: {} }),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;

/** Keys whose values are secrets: accepted from `<VAR>_FILE`, redacted in logs and backups. */
export const secretKeys = ['database.url', 'security.masterKey', 'tls.pfxPassphrase', 'redis.url'] as const;

/** Conventional environment names accepted besides the derived `TINHSO_*` ones. */
export const envAliases: Record<string, string> = {
  DATABASE_URL: 'database.url',
  PORT: 'http.port',
  TINHSO_TLS: 'tls.mode',
  TINHSO_NATS_URL: 'nats.url',
  TINHSO_REDIS_URL: 'redis.url',
  TINHSO_MODULES: 'modules',
  TINHSO_DATA_DIR: 'dataDir',
  LOG_LEVEL: 'log.level',
};
