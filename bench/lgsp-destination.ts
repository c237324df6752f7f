/**
 * The destination of bench/lgsp-gateway.bench.ts: a minimal Node http server that reads the request body
 * and answers a fixed body whose size the path names (`/api/b1024` → 1024 bytes). Usage: tsx … <port>
 */
import http from 'node:http';

const port = Number(process.argv[2]);
const bodies = new Map<number, Buffer>();
http
  .createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const size = Number(/\/b(\d+)/.exec(req.url ?? '')?.[1] ?? 64);
      let body = bodies.get(size);
      if (!body) {
        body = Buffer.alloc(size, 'x');
        bodies.set(size, body);
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
      res.end(body);
    });
  })
  .listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
