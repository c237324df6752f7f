/**
 * @module lgsp/maintenance
 * Maintenance notices to connected units before maintenance or an upgrade (LGSP-34).
 */
export { maintenanceRoutes } from './routes.ts';
export {
  createMaintenanceService,
  FOLLOWER_PERMISSIONS,
  type MaintenanceDeps,
  type MaintenanceService,
  type MaintenanceWindow,
  maintenanceNotice,
  type PublicMaintenanceWindow,
  REMINDER_LEAD_MS,
} from './service.ts';
