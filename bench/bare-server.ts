/**
 * The references for bench/core.bench.ts: a bare Fastify route returning the same JSON body, with no auth,
 * no database and no logging (`/record`); and, when a PostgreSQL URL and an account id are given, a bare
 * route that runs the account read's own SQL through `pg` as a prepared statement (`/record-db`): the floor
 * of any database-backed read on this machine, with nothing of Tỉnh Số around it.
 * Usage: tsx bench/bare-server.ts <port> <body.json> [<postgres url> <account id>]
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import pg from 'pg';

const [port, file, dbUrl, accountId] = process.argv.slice(2);
const body = JSON.parse(readFileSync(file as string, 'utf8')) as unknown;
const app = Fastify({ logger: false });
app.get('/record', async () => body);
if (dbUrl && accountId) {
  // The same pool size as the server's default (database.poolSize) and the same statement as
  // src/iam/accounts/store.ts recordQuery, so only the platform's own work differs.
  const pool = new pg.Pool({ connectionString: dbUrl, max: 20 });
  const text = `select a.*,
      array(select r.role_id from iam_account_roles r where r.account_id = a.id order by r.role_id) as roles,
      coalesce((select json_agg(json_build_object('permission', g.permission, 'effect', g.effect) order by g.permission)
        from iam_account_grants g where g.account_id = a.id), '[]'::json) as grants
    from iam_accounts a where a.id = $1`;
  app.get('/record-db', async () => {
    const { rows } = await pool.query({ name: 'bare_account_record', text, values: [accountId] });
    return rows[0];
  });
  app.addHook('onClose', () => pool.end());
}
await app.listen({ host: '127.0.0.1', port: Number(port) });
process.stdout.write('ready\n');
