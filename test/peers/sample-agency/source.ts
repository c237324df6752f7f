/**
 * @module test/peers/sample-agency/source
 * A sample agency source, written only against the SDK: reads a civil-status record of another unit,
 * through the platform's gateway or directly from the destination (direct mode).
 */
import { LgspClient, type LgspClientConfig } from '../../../sdk/src/client.ts';

/** What the sample source can do. */
export interface SampleSource {
  readonly client: LgspClient;
  /** GET a record through the gateway: `/{unitCode}/{service}/ho-so/{id}`. */
  recordViaGateway(unitCode: string, service: string, id: string): Promise<Response>;
  /** POST a dossier to the destination at its own address (direct mode). */
  sendDirect(destinationUrl: string, unitCode: string, service: string, dossier: unknown): Promise<Response>;
}

/** Creates the sample source with the application's key from the operator. */
export function sampleSource(config: LgspClientConfig): SampleSource {
  const client = new LgspClient(config);
  return {
    client,
    recordViaGateway: (unitCode, service, id) =>
      client.call(unitCode, service, { method: 'GET', path: `/ho-so/${id}`, query: { chiTiet: 'day-du' } }),
    sendDirect: (destinationUrl, unitCode, service, dossier) =>
      client.callDirect(destinationUrl, unitCode, service, {
        method: 'POST',
        path: '/hồ-sơ/khai-sinh',
        query: { nam: 2026, loai: ['ban-chinh', 'ban-sao'] },
        body: JSON.stringify(dossier),
      }),
  };
}
