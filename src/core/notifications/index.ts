/**
 * @module core/notifications
 * Public surface of notifications: the service other modules notify through, its routes
 * (`/api/notifications`: list, mark read, Server-Sent Events stream) and the bus topic of new ones.
 */
export { NOTIFICATIONS_TOPIC } from './hub.ts';
export {
  type NotificationRouteOptions,
  NotificationView,
  notificationRoutes,
  presentNotification,
} from './routes.ts';
export {
  createNotificationService,
  type HolderLookup,
  KEEP_ANY_DAYS,
  KEEP_READ_DAYS,
  type Notification,
  type NotificationInput,
  type NotificationPage,
  type NotificationPlatform,
  type NotificationService,
  PRUNE_NOTIFICATIONS_JOB,
} from './service.ts';
export type { NotificationSeverity } from './tables.ts';
