/**
 * @module lgsp/deps
 * What the LGSP parts receive from the rest of the platform (through those modules' index.ts only).
 */
import type { Bus } from '../core/bus/index.ts';
import type { HolderLookup, NotificationService } from '../core/notifications/index.ts';
import type { Platform } from '../core/platform.ts';
import type { Scheduler } from '../core/scheduler/index.ts';
import type { OrgService } from '../org/index.ts';

/** The platform services every LGSP part may use. */
export interface LgspDeps {
  readonly platform: Platform;
  readonly org: OrgService;
  readonly bus: Bus;
  readonly notifications: NotificationService;
  readonly scheduler: Scheduler;
  /** Active account ids holding a permission over a unit (null: anywhere); IAM's lookup. */
  readonly permissionHolders?: HolderLookup;
}
