/**
 * SIEM steps the cross-module SOC tests share: an operator pipeline created through the API, and a JSON event
 * posted to the HTTP input with an ingest token.
 */
import { expect } from 'vitest';
import type { LoggedIn, TestApp } from './app.ts';

/** Creates an operator pipeline through the API, as `admin`. */
export async function createPipeline(t: TestApp, admin: LoggedIn, source: string): Promise<void> {
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/soc/pipelines',
    headers: admin.headers,
    payload: { source },
  });
  expect(created.statusCode, created.body).toBeLessThan(300);
}

/** Posts one JSON event to the HTTP input with an ingest token (`Bearer …`). */
export function postEvent(t: TestApp, bearer: string, doc: object) {
  return t.app.inject({
    method: 'POST',
    url: '/api/soc/ingest/events',
    headers: { authorization: bearer, 'content-type': 'application/json' },
    payload: JSON.stringify(doc),
  });
}
