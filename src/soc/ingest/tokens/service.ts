/**
 * @module soc/ingest/tokens/service
 * Ingest tokens: the machine credentials shippers present (not accounts). Created with a 32-byte random
 * secret shown once, listed and revoked by SIEM operators (`soc.config.write`) within their unit scope;
 * every change is audited (configuration category) and announced on the bus so every node's verifier
 * follows at once.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { audit } from '../../../core/audit/index.ts';
import type { Bus } from '../../../core/bus/index.ts';
import type { Ctx } from '../../../core/context.ts';
import { AppError } from '../../../core/errors/index.ts';
import type { Platform } from '../../../core/platform.ts';
import type { OrgService } from '../../../org/index.ts';
import { findToken, insertToken, listTokens, revokeToken, type TokenRow } from './store.ts';
import { hashSecret, TOKEN_MARK, TOKENS_CHANGED, type TokenVerifier } from './verifier.ts';

/** A token as operators see it (never its secret). */
export interface TokenView {
  id: string;
  name: string;
  unitId: string | null;
  prefix: string;
  createdAt: string;
  createdByName: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A token just created: the secret in each form a shipper's configuration takes, shown this once. */
export interface IssuedTokenView extends TokenView {
  /** `Authorization: Bearer <token>`. */
  token: string;
  /** Beats' `output.elasticsearch.api_key` (`id:secret`; sent as `ApiKey base64(id:secret)`). */
  apiKey: string;
  /** `Authorization: Basic`: user name (the token id) and password (the secret). */
  username: string;
  password: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function view(row: TokenRow): TokenView {
  return {
    id: row.id,
    name: row.name,
    unitId: row.unitId,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    createdByName: row.createdByName,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

export interface TokenServiceDeps {
  platform: Platform;
  org: OrgService;
  bus: Bus;
  verifier: TokenVerifier;
}

export type TokenService = ReturnType<typeof createTokenService>;

/** Creates the ingest token service. */
export function createTokenService(deps: TokenServiceDeps) {
  const { platform, org, bus, verifier } = deps;
  const db = platform.db;

  /** This node's verifier reloads now; the others when the bus message reaches them. */
  async function announce(id: string): Promise<void> {
    await verifier.reload();
    await bus.publish(TOKENS_CHANGED, { id });
  }

  async function visibleToken(ctx: Ctx, id: string): Promise<TokenRow> {
    const row = UUID.test(id) ? await findToken(db, id.toLowerCase()) : null;
    if (!row) throw new AppError('SOC_INGEST_TOKEN_NOT_FOUND');
    const units = await org.visibleUnitIds(ctx);
    // A token of no unit belongs to the province: only an actor who sees every unit manages it.
    const visible = units === 'all' || (row.unitId !== null && units.includes(row.unitId));
    if (!visible) throw new AppError('SOC_INGEST_TOKEN_NOT_FOUND');
    return row;
  }

  return {
    /** Creates a token; its secret is in the answer and nowhere else. */
    async create(ctx: Ctx, input: { name: string; unitId?: string | null }): Promise<IssuedTokenView> {
      const name = input.name.normalize('NFC').trim();
      if (!name) throw new AppError('VALIDATION_FAILED', { summary: 'body.name: must not be blank' });
      const unitId = input.unitId ?? null;
      if (unitId) await org.assertUnitInScope(ctx, unitId);
      else if ((await org.visibleUnitIds(ctx)) !== 'all') {
        // Without a unit the token is the province's: the same rule as seeing one.
        throw new AppError('NOT_FOUND');
      }
      const id = randomUUID();
      const secret = randomBytes(32).toString('base64url');
      const row: Omit<TokenRow, 'lastUsedAt' | 'revokedAt'> = {
        id,
        name,
        unitId,
        secretHash: hashSecret(secret),
        prefix: secret.slice(0, 6),
        createdAt: platform.now(),
        createdBy: ctx.actor.kind === 'user' || ctx.actor.kind === 'token' ? ctx.actor.id : null,
        createdByName: ctx.actor.name,
      };
      await db.transaction(async (tx) => {
        await insertToken(tx, row);
        await audit(tx, ctx, {
          category: 'config',
          action: 'soc.ingest_token.create',
          description: `Tạo mã nạp dữ liệu SIEM "${name}" (${id}, bắt đầu bằng ${row.prefix})`,
          severity: 'notice',
          target: { type: 'soc_ingest_token', id },
          unitId,
          details: { name, unitId, prefix: row.prefix },
        });
      });
      await announce(id);
      return {
        ...view({ ...row, lastUsedAt: null, revokedAt: null }),
        token: `${TOKEN_MARK}.${id}.${secret}`,
        apiKey: `${id}:${secret}`,
        username: id,
        password: secret,
      };
    },

    /** Tokens of the units the actor sees, newest first. */
    async list(ctx: Ctx): Promise<TokenView[]> {
      return (await listTokens(db, await org.visibleUnitIds(ctx))).map(view);
    },

    /** Revokes a token: every node refuses it once the bus message arrives (this node at once). */
    async revoke(ctx: Ctx, id: string): Promise<TokenView> {
      const row = await visibleToken(ctx, id);
      const at = platform.now();
      await db.transaction(async (tx) => {
        if (!(await revokeToken(tx, row.id, at, ctx.actor.kind === 'user' ? ctx.actor.id : null))) {
          throw new AppError('SOC_INGEST_TOKEN_ALREADY_REVOKED', { id: row.id });
        }
        await audit(tx, ctx, {
          category: 'config',
          action: 'soc.ingest_token.revoke',
          description: `Thu hồi mã nạp dữ liệu SIEM "${row.name}" (${row.id})`,
          severity: 'notice',
          target: { type: 'soc_ingest_token', id: row.id },
          unitId: row.unitId,
          details: { name: row.name, unitId: row.unitId },
        });
      });
      await announce(row.id);
      return view({ ...row, revokedAt: at });
    },
  };
}
