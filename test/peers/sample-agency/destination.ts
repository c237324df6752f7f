/**
 * @module test/peers/sample-agency/destination
 * A sample agency destination in direct mode, written only against the SDK as an agency would: a Node
 * `http` server whose every call is checked with the platform (`lgspHandler` → `verifyIncoming`) before it
 * answers. It echoes who called and what it received, so tests can see what passed through.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LgspClientConfig } from '../../../sdk/src/client.ts';
import { DestinationVerifier, lgspHandler } from '../../../sdk/src/destination.ts';

/** A running sample destination. */
export interface SampleDestination {
  /** e.g. `http://127.0.0.1:40123` */
  readonly url: string;
  /** Calls answered (verified), and the statuses of those refused. */
  readonly seen: { answered: number; refused: number[] };
  close(): Promise<void>;
}

/** Starts the sample destination; `platform` is the destination's own key and the platform's URL. */
export async function startSampleDestination(platform: LgspClientConfig): Promise<SampleDestination> {
  const verifier = new DestinationVerifier(platform);
  const seen = { answered: 0, refused: [] as number[] };
  const handler = lgspHandler(verifier, (req, res, verdict) => {
    seen.answered++;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(
      JSON.stringify({
        method: req.method,
        url: req.url,
        source: verdict.source,
        operations: verdict.operations,
        bodyBytes: verdict.body.length,
        body: verdict.body.toString('utf8').slice(0, 1000),
      }),
    );
  });
  const server: Server = createServer((req, res) => {
    res.on('finish', () => {
      if (res.statusCode >= 400) seen.refused.push(res.statusCode);
    });
    void handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
