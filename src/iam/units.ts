/**
 * @module iam/units
 * What IAM needs from the organisation module, as an interface: the org service satisfies it,
 * so IAM never touches org's tables.
 */
import type { Ctx } from '../core/context.ts';

export interface UnitDirectory {
  /** 'all', or the ids of the units the actor may see (own unit, or its subtree). */
  visibleUnitIds(ctx: Ctx): Promise<'all' | string[]>;
  /** Throws NOT_FOUND when the unit does not exist or lies outside the actor's scope. */
  assertUnitInScope(ctx: Ctx, unitId: string): Promise<void>;
  /** Code and name of units by id, without a scope check (for a row the caller may already see). */
  unitLabels(ids: readonly string[]): Promise<{ id: string; code: string; name: string }[]>;
}
