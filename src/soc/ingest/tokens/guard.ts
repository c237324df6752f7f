/**
 * @module soc/ingest/tokens/guard
 * The check every ingest route makes before reading a byte of the body: a valid ingest token (401
 * `SOC_INGEST_TOKEN_INVALID`, logged and counted, otherwise), then the SIEM's switch for that input (503
 * `SOC_INPUT_STOPPED` while an operator has it stopped). The routes are public to the session gate: a
 * shipper is not an account.
 */
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../core/errors/index.ts';
import type { SiemCounters } from '../../contracts.ts';
import type { IngestCredential, TokenVerifier } from './verifier.ts';

export interface GuardDeps {
  verifier: TokenVerifier;
  counters: SiemCounters;
  isInputRunning: (id: string) => boolean;
  log: FastifyBaseLogger;
}

const credentials = new WeakMap<FastifyRequest, IngestCredential>();

/** The token a request was verified with (set by the guard). */
export function credentialOf(request: FastifyRequest): IngestCredential | undefined {
  return credentials.get(request);
}

/** An `onRequest` hook guarding the routes of input `input` (`http`, `bulk`). */
export function ingestGuard(deps: GuardDeps, input: string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const result = await deps.verifier.verify(request.headers.authorization);
    if (!result.ok) {
      deps.counters.dropped(input, 1, 'token_invalid');
      deps.log.warn({ input, reason: result.reason, ip: request.ip }, 'ingest request refused: token');
      // Basic lets curl and HTTP clients that wait for a challenge send their credentials.
      reply.header('www-authenticate', 'Basic realm="tinhso-soc-ingest", charset="UTF-8"');
      throw new AppError('SOC_INGEST_TOKEN_INVALID');
    }
    if (!deps.isInputRunning(input)) {
      reply.header('retry-after', '30');
      throw new AppError('SOC_INPUT_STOPPED', { input });
    }
    credentials.set(request, result.credential);
    request.ctx = {
      ...request.ctx,
      actor: {
        kind: 'token',
        id: null,
        name: `ingest:${result.credential.name}`,
        unitId: result.credential.unitId,
        permissions: new Set(),
        scope: 'own',
      },
    };
  };
}
