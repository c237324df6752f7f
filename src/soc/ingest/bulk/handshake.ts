/**
 * @module soc/ingest/bulk/handshake
 * The answers of an Elasticsearch 8.17 cluster to the calls shippers make before sending `_bulk`: cluster
 * info (libbeat refuses a cluster older than itself; Logstash 8 requires the `X-Elastic-Product` header and
 * version ≥ 7.14), the licence (Beats and Logstash check it before using ILM), the X-Pack features, the
 * nodes (Logstash sniffing), and the setup resources (index/component templates, ILM policies, ingest
 * pipelines, data streams) which are reported as existing and whose uploads are acknowledged and ignored:
 * the SIEM parses with its own pipelines and keeps events in its own store.
 */
import { createHash } from 'node:crypto';

/** The Elasticsearch version the endpoint presents (Beats ≤ 8.17 and Logstash 8 accept it). */
export const ES_VERSION = '8.17.0';

/** Product header clients check on responses (go-elasticsearch, Logstash ≥ 7.14, Python, .NET). */
export const ES_PRODUCT_HEADER = { name: 'x-elastic-product', value: 'Elasticsearch' } as const;

const BUILD_HASH = createHash('sha1').update(`tinhso-soc-${ES_VERSION}`).digest('hex');
const BUILD_DATE = '2024-12-11T12:08:05.663969764Z';

/** A stable UUID-looking id derived from a name, the same on every node. */
function stableId(name: string): string {
  return createHash('sha256').update(name).digest('base64url').slice(0, 22);
}

const CLUSTER_NAME = 'tinhso-soc';
const CLUSTER_UUID = stableId('tinhso-soc-cluster');

/** `GET /`: what libbeat, Logstash, Vector and the clients read the version and flavour from. */
export function clusterInfo(nodeName: string) {
  return {
    name: nodeName,
    cluster_name: CLUSTER_NAME,
    cluster_uuid: CLUSTER_UUID,
    version: {
      number: ES_VERSION,
      build_flavor: 'default',
      build_type: 'docker',
      build_hash: BUILD_HASH,
      build_date: BUILD_DATE,
      build_snapshot: false,
      lucene_version: '9.12.0',
      minimum_wire_compatibility_version: '7.17.0',
      minimum_index_compatibility_version: '7.0.0',
    },
    tagline: 'You Know, for Search',
  };
}

/** `GET /_license`: an active basic licence (enough for ILM, which Beats and Logstash check for). */
export function licenseInfo() {
  return {
    license: {
      status: 'active',
      uid: stableId('tinhso-soc-license'),
      type: 'basic',
      issue_date: '2024-12-11T00:00:00.000Z',
      issue_date_in_millis: 1733875200000,
      max_nodes: 1000,
      max_resource_units: null,
      issued_to: CLUSTER_NAME,
      issuer: 'elasticsearch',
      start_date_in_millis: -1,
    },
  };
}

/** `GET /_xpack`: the features shippers look for (ILM, data streams) reported available and enabled. */
export function xpackInfo() {
  const on = { available: true, enabled: true };
  return {
    build: { hash: BUILD_HASH, date: BUILD_DATE },
    license: { uid: stableId('tinhso-soc-license'), type: 'basic', mode: 'basic', status: 'active' },
    features: {
      ilm: on,
      data_streams: on,
      data_tiers: on,
      monitoring: on,
      security: { available: true, enabled: true },
      logstash: on,
      watcher: { available: false, enabled: true },
      ml: { available: false, enabled: true },
    },
    tagline: 'for the Tỉnh Số SOC',
  };
}

/** `GET /_nodes[/filter]`: this node, its HTTP address the one the shipper used. */
export function nodesInfo(nodeName: string, host: string) {
  const id = stableId(`tinhso-soc-node-${nodeName}`);
  return {
    _nodes: { total: 1, successful: 1, failed: 0 },
    cluster_name: CLUSTER_NAME,
    nodes: {
      [id]: {
        name: nodeName,
        transport_address: host,
        host: host.replace(/:\d+$/, ''),
        ip: host.replace(/:\d+$/, ''),
        version: ES_VERSION,
        build_flavor: 'default',
        build_type: 'docker',
        build_hash: BUILD_HASH,
        roles: ['data', 'ingest', 'master'],
        attributes: {},
        http: { bound_address: [host], publish_address: host, max_content_length_in_bytes: 104857600 },
        ingest: { processors: [] },
      },
    },
  };
}

/** `GET /_cluster/health` (Vector's health check). */
export function clusterHealth() {
  return {
    cluster_name: CLUSTER_NAME,
    status: 'green',
    timed_out: false,
    number_of_nodes: 1,
    number_of_data_nodes: 1,
    active_primary_shards: 1,
    active_shards: 1,
    relocating_shards: 0,
    initializing_shards: 0,
    unassigned_shards: 0,
    delayed_unassigned_shards: 0,
    number_of_pending_tasks: 0,
    number_of_in_flight_fetch: 0,
    task_max_waiting_in_queue_millis: 0,
    active_shards_percent_as_number: 100.0,
  };
}

/** Setup resources shippers look up by name; each reported as existing, so they are not uploaded again. */
export type SetupKind =
  | 'index_template'
  | 'component_template'
  | 'template'
  | 'ilm_policy'
  | 'ingest_pipeline'
  | 'data_stream';

/** The body Elasticsearch answers a GET of a setup resource with. */
export function setupResource(kind: SetupKind, name: string) {
  switch (kind) {
    case 'index_template':
      return {
        index_templates: [
          {
            name,
            index_template: {
              index_patterns: [`${name}*`],
              template: { settings: {}, mappings: {} },
              composed_of: [],
              priority: 150,
              data_stream: { hidden: false, allow_custom_routing: false },
              _meta: { managed_by: 'tinhso-soc' },
            },
          },
        ],
      };
    case 'component_template':
      return { component_templates: [{ name, component_template: { template: {} } }] };
    case 'template':
      return { [name]: { order: 1, index_patterns: [`${name}*`], settings: {}, mappings: {}, aliases: {} } };
    case 'ilm_policy':
      return {
        [name]: {
          version: 1,
          modified_date: BUILD_DATE,
          policy: { phases: { hot: { min_age: '0ms', actions: {} } }, _meta: { managed_by: 'tinhso-soc' } },
        },
      };
    case 'ingest_pipeline':
      return {
        [name]: {
          description: 'Parsed by the Tỉnh Số SIEM pipelines; this definition is not used',
          processors: [],
        },
      };
    case 'data_stream':
      return {
        data_streams: [
          {
            name,
            timestamp_field: { name: '@timestamp' },
            indices: [],
            generation: 1,
            status: 'GREEN',
            template: name,
            hidden: false,
            system: false,
          },
        ],
      };
  }
}
