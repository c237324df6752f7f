/**
 * @module soc/deps
 * What the SOC parts receive from the rest of the platform (through those modules' index.ts only), and the
 * shape every part has towards the module's composition.
 */
import type { Bus } from '../core/bus/index.ts';
import type { App } from '../core/http/types.ts';
import type { HolderLookup, NotificationService } from '../core/notifications/index.ts';
import type { Platform } from '../core/platform.ts';
import type { Scheduler } from '../core/scheduler/index.ts';
import type { OrgService } from '../org/index.ts';
import type { ExchangesAfter } from './ingest/feeds/lgsp-reader.ts';

/** The platform services every SOC part may use. */
export interface SocDeps {
  readonly platform: Platform;
  readonly org: OrgService;
  readonly bus: Bus;
  readonly notifications: NotificationService;
  readonly scheduler: Scheduler;
  /** Active account ids holding a permission over a unit (null: anywhere); IAM's lookup. */
  readonly permissionHolders: HolderLookup;
  /** The LGSP module's reader of exchange records after a seq, for the platform feed (LGSP-31); none = no feed. */
  readonly lgspExchangesAfter?: ExchangesAfter;
}

/** A part of the SOC module: its routes (under `/api/soc`), and what it starts and stops. */
export interface SocPart {
  routes?(app: App): Promise<void>;
  /** Starts listeners and loops (`tinhso serve`, or a test that wants them). */
  start?(): Promise<void>;
  close?(): Promise<void>;
}
