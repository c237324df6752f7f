/**
 * @module core/context
 * Who is acting, from where, in which request: passed as the first argument of every service function.
 */

/** How far an actor's data access reaches in the organisation tree. */
export type DataScope = 'own' | 'subtree' | 'all';

/** The authenticated party behind a call. */
export interface Actor {
  readonly kind: 'user' | 'token' | 'system' | 'anonymous';
  readonly id: string | null;
  readonly name: string;
  /** The unit the actor belongs to; null for system actors. */
  readonly unitId: string | null;
  readonly permissions: ReadonlySet<string>;
  readonly scope: DataScope;
}

/** The context of one call: actor, network origin, request id and language. */
export interface Ctx {
  readonly actor: Actor;
  readonly ip: string | null;
  readonly requestId: string | null;
  readonly lang: 'vi' | 'en';
}

/** A context for work the platform does by itself (scheduler, CLI, migrations). */
export function systemCtx(name = 'system', permissions: Iterable<string> = []): Ctx {
  return {
    actor: { kind: 'system', id: null, name, unitId: null, permissions: new Set(permissions), scope: 'all' },
    ip: null,
    requestId: null,
    lang: 'vi',
  };
}
