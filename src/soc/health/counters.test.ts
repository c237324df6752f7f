import { describe, expect, it } from 'vitest';
import { FILE_IMPORTS_INPUT, SiemTotals } from './counters.ts';

describe('SIEM counters', () => {
  it('count every forensic import under one input, so figures and metric labels stay few and name no import', () => {
    const c = new SiemTotals();
    c.received('file:6f1c2b9e-0000-4000-8000-000000000001', 3, 300);
    c.received('file:6f1c2b9e-0000-4000-8000-000000000002', 2, 200);
    c.dropped('file:6f1c2b9e-0000-4000-8000-000000000002', 1, 'pipeline_drop');
    c.received('syslog-tcp', 5, 500);
    expect([...c.inputs.keys()].sort()).toEqual([FILE_IMPORTS_INPUT, 'syslog-tcp']);
    expect(c.inputs.get(FILE_IMPORTS_INPUT)).toMatchObject({ events: 5, bytes: 500, dropped: 1 });
    expect(c.receivedTotal()).toBe(10);
  });
});
