/**
 * One gateway node as its own process, for test/lgsp/rate-limit-two-nodes.test.ts: the real gateway and
 * HTTP server over the fakes, on the shared PostgreSQL schema named in the environment. Prints `ready <port>`.
 * Env: DB_URL, DB_SCHEMA, APP_ID, SERVICE_ID, LIMIT, DEST_URL, NODE_ID.
 */
import { openDatabase } from '../../src/core/db/index.ts';
import { credential, service, startGateway } from './gateway-fakes.ts';

const env = process.env;
const database = await openDatabase({ url: env.DB_URL, schema: env.DB_SCHEMA, poolSize: 4 });
const h = await startGateway({ rateSyncMs: 200 }, { nodeId: env.NODE_ID }, database);
const svc = h.fakes.add(service(env.DEST_URL!, { serviceId: env.SERVICE_ID!, serviceCode: 'rl' }));
const cred = credential({
  applicationId: env.APP_ID!,
  accessKey: 'AKtwonodes',
  rateLimitPerMinute: Number(env.LIMIT),
});
h.fakes.credentials.set(cred.accessKey, cred);
h.fakes.rights.set(`${cred.applicationId}/${svc.serviceId}`, ['GET']);
await h.gateway.limiter.start();
process.stdout.write(`ready ${new URL(h.base).port}\n`);
process.on('SIGTERM', () => {
  void h
    .close()
    .then(() => database.close())
    .then(() => process.exit(0));
});
