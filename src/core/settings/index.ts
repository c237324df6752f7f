/**
 * @module core/settings
 * Public surface of run-time settings.
 */
export { defineSetting, type SettingDef, Settings } from './service.ts';
