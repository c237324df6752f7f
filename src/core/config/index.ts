/**
 * @module core/config
 * Public surface of configuration.
 */
export { configKeys, loadConfig, redactedConfig, type LoadConfigOptions } from './load.ts';
export { type Config, ConfigSchema, secretKeys } from './schema.ts';
