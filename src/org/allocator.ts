/**
 * @module org/allocator
 * Issues child codes during one operation: knows every code ever issued under a parent (from the
 * registry, closed codes included, since they are never reused) plus those this operation already
 * planned, so one split or merge never hands out the same code twice.
 */
import type { Db } from '../core/db/index.ts';
import { AppError } from '../core/errors/index.ts';
import {
  childCode,
  childCodeLikePattern,
  isChildCodeOf,
  maxChildNumber,
  ownNumber,
  parentCodeOf,
  pickChildNumber,
} from './code.ts';
import { codeRecords, issuedCodesLike } from './store.ts';

/** Hands out free codes for one operation; create one per transaction (or per preview). */
export class CodeAllocator {
  private readonly used = new Map<string, Set<number>>();
  private readonly planned = new Set<string>();

  constructor(private readonly db: Db) {}

  /**
   * The next free code under `parentCode`: `preferred` when it fits and is free (subordinates carried
   * into a fresh parent keep their numbers), otherwise the number after the highest issued, then the
   * lowest gap. Throws ORG_CODE_LEVEL_EXCEEDED under a level-4 parent, ORG_CODE_EXHAUSTED when full.
   */
  async next(parentCode: string, preferred?: number): Promise<string> {
    const max = maxChildNumber(parentCode);
    if (max === 0) throw new AppError('ORG_CODE_LEVEL_EXCEEDED', { code: parentCode, level: 5 });
    const used = await this.usedUnder(parentCode);
    const n = pickChildNumber(used, max, preferred);
    if (n === null) throw new AppError('ORG_CODE_EXHAUSTED', { parentCode });
    const code = childCode(parentCode, n);
    used.add(n);
    this.planned.add(code);
    return code;
  }

  /** Reserves an explicit canonical code; throws ORG_CODE_TAKEN when it was ever issued or already planned. */
  async claim(code: string): Promise<void> {
    if (this.planned.has(code) || (await codeRecords(this.db, [code])).length > 0) {
      throw new AppError('ORG_CODE_TAKEN', { code });
    }
    this.planned.add(code);
    const parent = parentCodeOf(code);
    if (parent) (await this.usedUnder(parent)).add(ownNumber(code));
  }

  private async usedUnder(parentCode: string): Promise<Set<number>> {
    let set = this.used.get(parentCode);
    if (!set) {
      const pattern = childCodeLikePattern(parentCode);
      const issued = pattern ? await issuedCodesLike(this.db, [pattern]) : [];
      // The pattern also matches the parent's own code; keep true children only.
      set = new Set(issued.filter((c) => isChildCodeOf(c, parentCode)).map(ownNumber));
      // Codes planned before this parent was first looked at (explicit claims) count as used too.
      for (const code of this.planned) if (isChildCodeOf(code, parentCode)) set.add(ownNumber(code));
      this.used.set(parentCode, set);
    }
    return set;
  }
}
