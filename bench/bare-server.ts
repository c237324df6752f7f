/**
 * The reference for bench/core.bench.ts: a bare Fastify route returning the same JSON body,
 * with no auth, no database and no logging. Usage: tsx bench/bare-server.ts <port> <body.json>
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const [port, file] = process.argv.slice(2);
const body = JSON.parse(readFileSync(file as string, 'utf8')) as unknown;
const app = Fastify({ logger: false });
app.get('/record', async () => body);
await app.listen({ host: '127.0.0.1', port: Number(port) });
process.stdout.write('ready\n');
