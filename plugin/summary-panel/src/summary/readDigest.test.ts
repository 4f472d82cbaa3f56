import { SEVERITIES, SEVERITIES_MOST_SEVERE_FIRST } from '@gpt-runner-logs/contract';

import { RECORDED } from '../__tests__/panelProps';
import { MAX_ERROR_TEMPLATES, readDigest } from './readDigest';

describe('readDigest', () => {
  it("reads the real backend's digest", () => {
    const digest = readDigest(RECORDED.digest);
    expect(digest?.totals).toEqual({
      entries: RECORDED.digest.totals.entries,
      errors: RECORDED.digest.totals.errors,
      warnings: RECORDED.digest.totals.warnings,
      errorRate: RECORDED.digest.totals.errorRate,
    });
    // Most severe first, zero counts left out.
    const severities = digest?.bySeverity.map(([s]) => s) ?? [];
    expect(severities.indexOf('ERROR')).toBeLessThan(severities.indexOf('INFO'));
    expect(digest?.spikes[0]).toMatchObject({ start: '2026-03-02T11:20:00.000000000Z', errors: 45 });
    expect(digest?.errorTemplates).toHaveLength(MAX_ERROR_TEMPLATES);
    expect(digest?.errorTemplates[0]?.id).toBe(RECORDED.digest.templates.errors[0]?.id);
  });

  it("lists severities in the contract's order, most severe first", () => {
    const bySeverity = Object.fromEntries(SEVERITIES.map((severity, rank) => [severity, rank + 1]));
    const digest = readDigest({ ...RECORDED.digest, bySeverity });
    expect(digest?.bySeverity.map(([severity]) => severity)).toEqual(SEVERITIES_MOST_SEVERE_FIRST);
    expect(digest?.bySeverity[0]).toEqual(['EMERGENCY', SEVERITIES.length]);
  });

  it('reads the warnings the backend read with, and only strings', () => {
    const input = { ...RECORDED.digest.input, partial: true, warnings: ['gcs: object could not be read', 7] };
    expect(readDigest({ ...RECORDED.digest, input })).toMatchObject({
      partial: true,
      warnings: ['gcs: object could not be read'],
    });
    expect(readDigest(RECORDED.digest)?.warnings).toEqual([]);
  });

  it('gives nothing for values that are not a digest', () => {
    expect(readDigest({})).toBeUndefined();
    expect(readDigest(null)).toBeUndefined();
    expect(readDigest('{"totals":{}}')).toBeUndefined();
    expect(readDigest({ entries: 38, bySeverity: { ERROR: 6 } })).toBeUndefined();
  });

  it('skips malformed spikes and templates instead of failing', () => {
    const digest = readDigest({
      totals: { entries: 3 },
      spikes: [{ start: 'x' }, 7, { start: 'a', end: 'b', errors: 'many' }],
      templates: { errors: [{ id: 'p1' }, { id: 'p2', template: 'ok <*>', count: 2, errors: 1 }] },
    });
    expect(digest?.spikes).toEqual([{ start: 'a', end: 'b', errors: 0, peakErrors: 0 }]);
    expect(digest?.errorTemplates.map((t) => t.id)).toEqual(['p2']);
    expect(digest?.totals).toEqual({ entries: 3, errors: 0, warnings: 0, errorRate: 0 });
  });
});
