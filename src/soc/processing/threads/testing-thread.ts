/**
 * @module soc/processing/threads/testing-thread
 * Test double of a processing thread: the real thread, except that it dies right after committing a batch
 * that is not a retry, before it can say so (the case where only replacing by row id avoids a duplicate).
 * Not used by the product.
 */
import { type MessagePort, parentPort } from 'node:worker_threads';
import type { FromThread, ToThread } from './protocol.ts';

const port = parentPort as MessagePort;
const retries = new Set<number>();
// Registered before the real thread's listener, so it sees each batch first.
port.on('message', (m: ToThread) => {
  if (m.type === 'batch' && m.replace) retries.add(m.id);
});
const post = port.postMessage.bind(port);
port.postMessage = (message: FromThread) => {
  if (message.type === 'done' && !retries.has(message.id)) process.exit(1);
  post(message);
};
await import('./thread.ts');
