/**
 * @module iam/roles/service
 * Roles and permissions (SEC-08): the three built-in groups plus custom roles; nobody can hand out
 * a permission they do not hold themselves.
 */
import { audit } from '../../core/audit/index.ts';
import type { Ctx } from '../../core/context.ts';
import type { Db } from '../../core/db/index.ts';
import { AppError } from '../../core/errors/index.ts';
import type { Platform } from '../../core/platform.ts';
import { activeHoldersOf, lockAdminChanges } from '../accounts/store.ts';
import { allPermissions, builtinRoles, permissions } from '../permissions.ts';
import { deleteRole, listRoles, type RoleRow, rolesByIds, upsertRole } from './store.ts';

/** The permission whose active holders are the technical administrators IAM_LAST_ADMIN protects. */
const ADMIN_PERMISSION = 'iam.policy.write';

/**
 * Runs `change` in `tx` and refuses it (IAM_LAST_ADMIN) when it leaves no active account holding
 * iam.policy.write while there was one before. Changes to other accounts stay possible when none is
 * active (the only administrator auto-locked by failed logins, say). A lock taken first serialises
 * these changes, so two administrators demoting each other at once cannot both succeed.
 */
export async function guardLastAdmin<T>(tx: Db, change: () => Promise<T>): Promise<T> {
  await lockAdminChanges(tx);
  const before = await activeHoldersOf(tx, ADMIN_PERMISSION);
  const result = await change();
  if (before.length > 0 && (await activeHoldersOf(tx, ADMIN_PERMISSION)).length === 0) {
    throw new AppError('IAM_LAST_ADMIN');
  }
  return result;
}

/** Throws IAM_FORBIDDEN unless the actor holds every permission in `wanted` (no privilege escalation). */
export function assertCanDelegate(ctx: Ctx, wanted: Iterable<string>): void {
  if (ctx.actor.kind === 'system') return;
  const missing = [...wanted].filter((p) => !ctx.actor.permissions.has(p));
  if (missing.length) throw new AppError('IAM_FORBIDDEN', { missing });
}

/** Throws VALIDATION_FAILED for permission names not in the catalogue. */
export function assertKnownPermissions(list: Iterable<string>): void {
  const unknown = [...list].filter((p) => !(p in permissions));
  if (unknown.length) {
    throw new AppError('VALIDATION_FAILED', { summary: `unknown permission(s): ${unknown.join(', ')}` });
  }
}

/** Creates the role service. */
export function createRoleService(platform: Platform) {
  const { db } = platform;
  return {
    /** Creates or refreshes the built-in roles so their permission lists follow the code. */
    async ensureBuiltinRoles(): Promise<void> {
      for (const [id, role] of Object.entries(builtinRoles)) {
        await upsertRole(db, {
          id,
          nameVi: role.vi,
          nameEn: role.en,
          builtin: true,
          permissions: [...role.permissions],
        });
      }
    },

    /** Every role with its permissions. */
    list(): Promise<RoleRow[]> {
      return listRoles(db);
    },

    /** The permission catalogue for the console's matrix. */
    catalogue() {
      return allPermissions.map((id) => ({ id, ...permissions[id] }));
    },

    /**
     * Creates or updates a custom role; built-in roles keep their permissions. Taking iam.policy.write
     * away from the last administrator this way is refused like any other demotion.
     */
    async save(
      ctx: Ctx,
      input: { id: string; nameVi: string; nameEn: string; permissions: string[] },
    ): Promise<RoleRow> {
      assertKnownPermissions(input.permissions);
      assertCanDelegate(ctx, input.permissions);
      return db.transaction(async (tx) => {
        const [existing] = await rolesByIds(tx, [input.id]);
        if (existing?.builtin) throw new AppError('CONFLICT', { reason: 'built-in roles cannot be changed' });
        const saved = await guardLastAdmin(tx, () =>
          upsertRole(tx, {
            ...input,
            builtin: false,
            permissions: [...new Set(input.permissions)].sort(),
          }),
        );
        await audit(tx, ctx, {
          category: 'account',
          action: existing ? 'iam.role.update' : 'iam.role.create',
          description: `${existing ? 'Sửa' : 'Tạo'} vai trò ${input.nameVi}`,
          severity: 'notice',
          target: { type: 'role', id: input.id },
          details: { before: existing?.permissions ?? null, after: saved.permissions },
        });
        return saved;
      });
    },

    /** Deletes a custom role (and its assignments), unless that leaves no administrator. */
    async remove(ctx: Ctx, id: string): Promise<void> {
      await db.transaction(async (tx) => {
        const [existing] = await rolesByIds(tx, [id]);
        if (!existing) throw new AppError('NOT_FOUND');
        if (existing.builtin) throw new AppError('CONFLICT', { reason: 'built-in roles cannot be deleted' });
        assertCanDelegate(ctx, existing.permissions);
        await guardLastAdmin(tx, () => deleteRole(tx, id));
        await audit(tx, ctx, {
          category: 'account',
          action: 'iam.role.delete',
          description: `Xóa vai trò ${existing.nameVi}`,
          severity: 'notice',
          target: { type: 'role', id },
        });
      });
    },
  };
}

export type RoleService = ReturnType<typeof createRoleService>;
