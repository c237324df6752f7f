/**
 * @module search/service
 * The global search of the console's header: one text, results from every module that contributes a
 * provider, merged best first. Providers are the modules' own service functions (org units, IAM accounts):
 * each applies its own permission and unit scope in SQL, so the search never reads another module's tables
 * and never shows a row the actor could not open.
 */
import type { Ctx } from '../core/context.ts';
import { AppError } from '../core/errors/index.ts';
import { nfc, viCollator } from '../core/text/vietnamese.ts';
import type { AccountSearchHit } from '../iam/index.ts';
import type { UnitLabel, UnitSearchHit } from '../org/index.ts';

/** Longest search text, in characters (after trimming). */
export const MAX_QUERY_LENGTH = 100;
/** Results returned when the caller gives no limit, and the most it may ask for. */
export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 50;

/** One result: what it is, its id, two lines of text and the console path that opens it. */
export interface SearchItem {
  kind: 'unit' | 'account';
  id: string;
  title: string;
  subtitle: string;
  /** Path of the console page, e.g. `/org/units/<id>`. */
  link: string;
}

/** What the search needs from the organisation module (the org service satisfies it). */
export interface UnitSource {
  searchUnits(ctx: Ctx, input: { q: string; limit?: number }): Promise<UnitSearchHit[]>;
  unitLabels(ids: readonly string[]): Promise<UnitLabel[]>;
}

/** What the search needs from IAM (the IAM module satisfies it). */
export interface AccountSource {
  searchAccounts(ctx: Ctx, input: { q: string; limit?: number }): Promise<AccountSearchHit[]>;
}

/**
 * Most rows read from one provider to order a rank in Vietnamese (the providers' own maximum, 100): a text
 * matching more rows than this in one rank (say "ủy ban" over hundreds of communes) shows the first in
 * Vietnamese order among the first SEARCH_WINDOW in folded order; the person types more words to narrow it.
 */
export const SEARCH_WINDOW = 100;

interface Ranked extends SearchItem {
  rank: number;
}

/** Best first: rank, then Vietnamese collation of the title, then id (a stable order for equal titles). */
function merge(found: Ranked[]): Ranked[] {
  return found.sort(
    (a, b) => a.rank - b.rank || viCollator.compare(a.title, b.title) || (a.id < b.id ? -1 : 1),
  );
}

function strip({ rank: _rank, ...item }: Ranked): SearchItem {
  return item;
}

/** Creates the search service over the modules' providers. */
export function createSearchService(sources: { org: UnitSource; iam: AccountSource }) {
  const { org, iam } = sources;

  async function units(ctx: Ctx, q: string, limit: number): Promise<Ranked[]> {
    const hits = await org.searchUnits(ctx, { q, limit });
    return hits.map(({ unit, rank, parentName }) => ({
      kind: 'unit',
      id: unit.id,
      title: unit.name,
      // Many units share a name (every department has a "Văn phòng"): the parent tells them apart.
      subtitle: parentName ? `${unit.code} · ${parentName}` : unit.code,
      link: `/org/units/${unit.id}`,
      rank,
    }));
  }

  async function accounts(ctx: Ctx, q: string, limit: number): Promise<Ranked[]> {
    const hits = await iam.searchAccounts(ctx, { q, limit });
    // The account is in the actor's scope, so its unit is too: naming it reveals nothing new.
    const labels = await org.unitLabels(hits.map((h) => h.account.unitId).filter((u) => u !== null));
    const unitName = new Map(labels.map((l) => [l.id, l.name]));
    return hits.map(({ account, rank }) => {
      const unit = account.unitId ? unitName.get(account.unitId) : undefined;
      return {
        kind: 'account',
        id: account.id,
        title: account.fullName,
        subtitle: unit ? `${account.username} · ${unit}` : account.username,
        link: `/iam/accounts/${account.id}`,
        rank,
      };
    });
  }

  return {
    /**
     * Units and accounts the actor may see matching `q` (diacritics optional), best first: exact code or
     * username, then names, codes and usernames starting with the text, then other matches; within each,
     * Vietnamese alphabetical order of the title. Throws SEARCH_QUERY_INVALID for an empty or too long text.
     */
    async search(ctx: Ctx, input: { q: string; limit?: number }): Promise<{ items: SearchItem[] }> {
      const q = nfc(input.q);
      if (q.length === 0 || q.length > MAX_QUERY_LENGTH || q.includes('\u0000')) {
        throw new AppError('SEARCH_QUERY_INVALID', { max: MAX_QUERY_LENGTH });
      }
      const limit = Math.min(Math.max(Math.trunc(input.limit ?? DEFAULT_LIMIT), 1), MAX_LIMIT);
      const providers = [units, accounts];
      // Each provider answers in SQL order: rank, then the FOLDED name (neither PGlite nor every PostgreSQL
      // build can collate Vietnamese). Folding is not Vietnamese order within a rank ("Ăn B" folds before
      // "An Z", yet a < ă), so the provider's first `limit` rows of a rank are not always its first `limit`
      // in Vietnamese order. What is exact is a rank taken whole: the merge collates every row of the ranks
      // it shows. A window of rows is therefore read, and read again larger (once, up to SEARCH_WINDOW) when
      // the `limit`-th result's rank may continue beyond it.
      let window = Math.min(Math.max(limit * 5, 50), SEARCH_WINDOW);
      let answers = await Promise.all(providers.map((find) => find(ctx, q, window)));
      for (;;) {
        const top = merge(answers.flat()).slice(0, limit);
        const cutRank = top.length < limit ? Number.POSITIVE_INFINITY : top.at(-1)!.rank;
        // A provider is complete for this answer when it returned everything, or its window ends in a
        // rank after the cut (then every row of the ranks shown is in hand).
        const open = answers.map((rows) => rows.length >= window && (rows.at(-1)?.rank ?? 0) <= cutRank);
        if (!open.includes(true) || window >= SEARCH_WINDOW) return { items: top.map(strip) };
        window = SEARCH_WINDOW;
        answers = await Promise.all(
          providers.map((find, i) => (open[i] ? find(ctx, q, window) : Promise.resolve(answers[i]!))),
        );
      }
    },
  };
}

/** The search service, as returned by `createSearchService`. */
export type SearchService = ReturnType<typeof createSearchService>;
