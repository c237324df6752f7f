/**
 * @module console
 * The console's home page: first-run checklist and summary. Other modules use only what is exported here.
 */
export { consoleRoutes } from './routes.ts';
export { type ConsoleService, createConsoleService, provinceSetting } from './setup.ts';
