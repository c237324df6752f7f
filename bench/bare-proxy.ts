/**
 * A reference for bench/lgsp-gateway.bench.ts: the thinnest reverse proxy Node does well — node:http in,
 * an undici pool out (keep-alive, as the gateway's), the request body read whole and forwarded, the answer
 * sent in one write. No signature, replay check, rate limit, logging or routing: what any Node gateway
 * costs before it does a gateway's work, so the platform's own cost can be read apart from Node's.
 * Usage: tsx bench/bare-proxy.ts <port> <destination origin>
 */
import http from 'node:http';
import { Pool } from 'undici';

const [port, origin] = process.argv.slice(2);
const pool = new Pool(origin as string, { connections: 256 });

http
  .createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      pool
        .request({
          method: req.method as 'POST',
          path: req.url ?? '/',
          headers: { 'content-type': req.headers['content-type'] ?? 'application/octet-stream' },
          body: Buffer.concat(chunks),
        })
        .then(async (answer) => {
          const body = Buffer.from(await answer.body.arrayBuffer());
          res.writeHead(answer.statusCode, {
            'content-type': String(answer.headers['content-type'] ?? 'application/octet-stream'),
            'content-length': body.length,
          });
          res.end(body);
        })
        .catch(() => {
          res.writeHead(502).end();
        });
    });
  })
  .listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
