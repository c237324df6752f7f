import { describe, expect, it } from 'vitest';
import { isSafePartitionBound } from './restore.ts';

describe('isSafePartitionBound', () => {
  it('accepts the bounds PostgreSQL prints for range, list, hash and default partitions', () => {
    for (const bound of [
      "FOR VALUES FROM ('2026-11-23 00:00:00+00') TO ('2026-11-24 00:00:00+00')",
      'FOR VALUES FROM (MINVALUE) TO (100)',
      "FOR VALUES FROM ('a', 1) TO ('b', MAXVALUE)",
      "FOR VALUES IN ('lgsp', 'soc')",
      "FOR VALUES IN ('it''s')",
      'FOR VALUES WITH (modulus 4, remainder 3)',
      'DEFAULT',
    ]) {
      expect(isSafePartitionBound(bound), bound).toBe(true);
    }
  });

  it('refuses anything that could carry SQL into the DDL of a restore', () => {
    for (const bound of [
      "FOR VALUES IN ('x'); drop table audit_log; --')",
      "FOR VALUES IN ('x') ; select 1",
      "FOR VALUES FROM ('a') TO ('b') WITH (fillfactor=10)",
      "FOR VALUES IN ((select 'x'))",
      'DEFAULT; select 1',
      '',
    ]) {
      expect(isSafePartitionBound(bound), bound).toBe(false);
    }
  });
});
