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

/**
 * The same agency's backend in gateway mode: the platform checked the call before forwarding it (steps 4-5
 * inside the gateway), so the backend only reads who called from the gateway's headers. It must be reachable
 * from the platform's network only.
 */
export async function startSampleBackend(): Promise<SampleDestination> {
  const seen = { answered: 0, refused: [] as number[] };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.answered++;
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(
        JSON.stringify({
          method: req.method,
          url: req.url,
          sourceUnit: req.headers['x-lgsp-source-unit'] ?? null,
          sourceApplication: req.headers['x-lgsp-source-application'] ?? null,
          leakedCredentials: Object.keys(req.headers).filter((h) =>
            ['x-lgsp-signature', 'x-lgsp-session', 'x-lgsp-access-key'].includes(h),
          ),
          body: Buffer.concat(chunks).toString('utf8').slice(0, 1000),
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
