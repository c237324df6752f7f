/**
 * @module demo
 * `tinhso demo`: fills an empty database with a demo province for visitors (see ./province.ts), through the
 * same services as the API, so every unit and account is validated and audited like a real one. The units
 * go in with the org import (one transaction, all or nothing, one audit entry); the accounts are created
 * one by one by the account service, each with a one-time password that must be changed at first login.
 */
import { systemCtx } from '../core/context.ts';
import { AppError, isAppError } from '../core/errors/index.ts';
import { writeCsv } from '../core/files/spreadsheet.ts';
import type { Iam } from '../iam/index.ts';
import type { RegistryService } from '../lgsp/registry/index.ts';
import { assertCodeFitsParent, nextFreeChildCode, normaliseCode, type OrgService } from '../org/index.ts';
import { fillDemoExchange } from './lgsp.ts';
import { DEMO_GROUP, type DemoRole, type DemoUnit, demoAccounts, demoProvince } from './province.ts';

export { demoErrors } from './errors.ts';
export { demoApplications, demoRights } from './lgsp.ts';
export { DEMO_GROUP, demoAccounts, demoProvince } from './province.ts';

/** What the demo needs: the org service, IAM's account service and, for the data exchange, the LGSP registry. */
export interface DemoServices {
  org: OrgService;
  iam: Pick<Iam, 'accounts'>;
  lgsp?: { registry: { service: RegistryService } };
}

/** One demo account as created, with its one-time password (null when the username already existed). */
export interface CreatedDemoAccount {
  username: string;
  fullName: string;
  role: DemoRole;
  scope: 'own' | 'subtree' | 'all';
  unitName: string;
  oneTimePassword: string | null;
}

/** What the demo created. */
export interface DemoResult {
  root: { code: string; name: string };
  units: number;
  accounts: CreatedDemoAccount[];
  /** The LGSP applications, services and rights made (when the registry was given). */
  exchange: { applications: number; services: number; rights: number } | null;
}

/** One unit of the tree with the code it gets. */
interface Placed {
  unit: DemoUnit;
  code: string;
  parentCode: string | null;
}

/**
 * Gives every unit of the tree its code, parents first: the root takes `rootCode`, every child the next free
 * code under its parent by the QCVN 102:2016 rules of the org module (the import checks them again).
 */
export function placeUnits(root: DemoUnit, rootCode: string): Placed[] {
  const out: Placed[] = [{ unit: root, code: rootCode, parentCode: null }];
  for (let i = 0; i < out.length; i++) {
    const parent = out[i]!;
    const issued: string[] = [];
    for (const child of parent.unit.children ?? []) {
      const code = nextFreeChildCode(parent.code, issued);
      if (code === null) throw new AppError('ORG_CODE_EXHAUSTED', { parentCode: parent.code });
      issued.push(code);
      out.push({ unit: child, code, parentCode: parent.code });
    }
  }
  return out;
}

/** The unit list in the org import's CSV format. */
function importFile(placed: readonly Placed[]): string {
  return writeCsv([
    ['code', 'name', 'short_name', 'kind', 'parent_code', 'address'],
    ...placed.map((p) => [
      p.code,
      p.unit.name,
      p.unit.shortName ?? '',
      p.unit.kind,
      p.parentCode ?? '',
      p.unit.address ?? '',
    ]),
  ]);
}

/**
 * Fills an empty database with the demo province under the level-1 code `group` (default H99) and its demo
 * accounts. Throws DEMO_DATABASE_NOT_EMPTY, writing nothing, when any organisation unit exists. A demo
 * username that already exists (an account outside every unit) is left as it is and reported without a
 * password. `onProgress` counts the units (all at once, when the import commits) and then each account.
 */
export async function fillDemoProvince(
  services: DemoServices,
  options: {
    group?: string;
    onProgress?: (done: number, total: number) => void;
    /** Where the demo's LGSP services answer (the platform's own address); default http://127.0.0.1:8080. */
    selfUrl?: string;
  } = {},
): Promise<DemoResult> {
  const { org, iam } = services;
  const ctx = systemCtx('tinhso-demo');
  const rootCode = normaliseCode(options.group ?? DEMO_GROUP);
  assertCodeFitsParent(rootCode, null);
  const existing = await org.listUnits(ctx, { status: 'all', limit: 1 });
  if (existing.total > 0) throw new AppError('DEMO_DATABASE_NOT_EMPTY', { units: existing.total });

  const placed = placeUnits(demoProvince, rootCode);
  const total = placed.length + demoAccounts.length;
  options.onProgress?.(0, total);
  const imported = await org.importUnits(ctx, { format: 'csv', data: importFile(placed) });
  options.onProgress?.(imported.created, total);

  // The accounts' units by key, through the codes the import gave them (one read of the new tree).
  const byCode = new Map((await org.tree(ctx)).map((u) => [u.code, u]));
  const byKey = new Map(
    placed.filter((p) => p.unit.key).map((p) => [p.unit.key!, byCode.get(p.code)!] as const),
  );
  const accounts: CreatedDemoAccount[] = [];
  for (const a of demoAccounts) {
    const unit = byKey.get(a.unitKey)!;
    let oneTimePassword: string | null = null;
    try {
      // One at a time: each password is hashed (argon2id) and each creation audited by the account service.
      const created = await iam.accounts.create(ctx, {
        username: a.username,
        fullName: a.fullName,
        unitId: unit.id,
        scope: a.scope,
        roles: [a.role],
      });
      oneTimePassword = created.oneTimePassword;
    } catch (err) {
      if (!isAppError(err, 'IAM_USERNAME_TAKEN')) throw err;
    }
    accounts.push({ ...a, unitName: unit.name, oneTimePassword });
    options.onProgress?.(imported.created + accounts.length, total);
  }
  const exchange = services.lgsp
    ? await fillDemoExchange(
        services.lgsp.registry.service,
        ctx,
        (key) => byKey.get(key)!.id,
        options.selfUrl ?? 'http://127.0.0.1:8080',
      )
    : null;
  return { root: { code: rootCode, name: demoProvince.name }, units: imported.created, accounts, exchange };
}
