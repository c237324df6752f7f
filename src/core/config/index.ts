/**
 * @module core/config
 * Public surface of configuration.
 */
export { configKeys, type LoadConfigOptions, loadConfig, redactedConfig } from './load.ts';
export { type Config, ConfigSchema, secretKeys } from './schema.ts';
