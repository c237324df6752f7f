// A worker thread does not inherit the main thread's TypeScript loader (tsx under `npm start`, Vite under
// Vitest), so it registers tsx before importing its entry module, named by the pool in workerData.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
