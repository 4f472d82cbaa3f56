import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../backend/src/model/index.js';
import { TOKENS, startTestBackend, type TestBackend } from '../support/backend.js';

let backend: TestBackend;
beforeAll(async () => {
  backend = await startTestBackend();
});
afterAll(() => backend.close());

interface Volume {
  step: number;
  series: { severity: string; points: [number, number][] }[];
  truncated: boolean;
}

describe('GET /logs/volume', () => {
  it('counts the same entries a listing returns, per severity and aligned bucket', async () => {
    const range = `from=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}&to=${encodeURIComponent(new Date().toISOString())}`;
    const { status, body } = await backend.json<Volume>(`/logs/volume?${range}&step=5m`, TOKENS.viewer);
    expect(status).toBe(200);
    expect(body.step).toBe(300_000);
    const listing = await backend.json<{ entries: LogEntry[] }>(`/logs?${range}&limit=5000`, TOKENS.viewer);
    const total = body.series.flatMap((s) => s.points).reduce((n, [, count]) => n + count, 0);
    expect(total).toBe(listing.body.entries.length);
    const errors = listing.body.entries.filter((e) => e.severity === 'ERROR').length;
    const errorSeries = body.series.find((s) => s.severity === 'ERROR');
    expect(errorSeries?.points.reduce((n, [, c]) => n + c, 0)).toBe(errors);
    for (const series of body.series) {
      for (const [time] of series.points) expect(time % 300_000).toBe(0);
    }
  });

  it('shows the error burst as a spike', async () => {
    const { body } = await backend.json<Volume>(
      '/logs/volume?from=now-2h&step=5m&minSeverity=ERROR',
      TOKENS.viewer,
    );
    const counts = body.series.find((s) => s.severity === 'ERROR')?.points.map(([, c]) => c) ?? [];
    expect(Math.max(...counts)).toBeGreaterThan(5);
    expect(counts.filter((c) => c === 0).length).toBeGreaterThan(counts.length / 2);
  });

  it('says when it read only part of the range', async () => {
    const { body } = await backend.json<Volume & { warnings: { message: string }[] }>(
      '/logs/volume?from=now-1d&maxEntries=100',
      TOKENS.viewer,
    );
    expect(body.truncated).toBe(true);
    expect(body.warnings.map((w) => w.message).join()).toMatch(/more than 100 entries matched/);
  });

  it.each([
    ['step=0', 'step'],
    ['step=fast', 'step'],
    ['from=now-7d&step=1s', 'step'],
    ['cursor=abc', 'cursor'],
  ])('refuses %s', async (query, param) => {
    const response = await backend.get(`/logs/volume?${query}`, TOKENS.viewer);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { param: string }).param).toBe(param);
  });
});

describe('GET /logs/context', () => {
  async function tracebackRow(): Promise<LogEntry> {
    const { body } = await backend.json<{ entries: LogEntry[] }>(
      '/logs/pods?from=now-1d&search=Traceback&limit=1',
      TOKENS.viewer,
    );
    const row = body.entries[0];
    if (!row) throw new Error('the demo data has no traceback');
    return row;
  }

  it('returns the lines before a row from the same container, newest first', async () => {
    const row = await tracebackRow();
    const q = `source=pods&id=${encodeURIComponent(row.id)}&timestamp=${row.timestamp}&direction=backward&limit=5`;
    const { status, body } = await backend.json<{ entries: LogEntry[] }>(`/logs/context?${q}`, TOKENS.viewer);
    expect(status).toBe(200);
    expect(body.entries).toHaveLength(5);
    for (const entry of body.entries) {
      expect(entry.labels.pod).toBe(row.labels.pod);
      expect(entry.labels.container).toBe(row.labels.container);
      expect(entry.timestamp <= row.timestamp).toBe(true);
      expect(entry.id).not.toBe(row.id);
    }
    const times = body.entries.map((e) => e.timestamp);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('returns the lines after a row, oldest first', async () => {
    const row = await tracebackRow();
    const q = `source=pods&id=${encodeURIComponent(row.id)}&timestamp=${row.timestamp}&direction=forward&limit=3`;
    const { body } = await backend.json<{ entries: LogEntry[] }>(`/logs/context?${q}`, TOKENS.viewer);
    expect(body.entries).toHaveLength(3);
    expect(body.entries.every((e) => e.timestamp >= row.timestamp && e.labels.pod === row.labels.pod)).toBe(
      true,
    );
  });

  it.each([
    ['source=pods&id=nonsense&timestamp=now', 'id'],
    ['source=s3&id=a/b&timestamp=2026-11-29T00:00:00Z', 'source'],
    ['source=pods&id=a/b/c@x#0', 'timestamp'],
  ])('refuses %s', async (query, param) => {
    const response = await backend.get(`/logs/context?${query}`, TOKENS.viewer);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { param: string }).param).toBe(param);
  });

  it('keeps a token to its sources', async () => {
    const row = await tracebackRow();
    const q = `source=pods&id=${encodeURIComponent(row.id)}&timestamp=${row.timestamp}`;
    expect((await backend.get(`/logs/context?${q}`, TOKENS.gcsOnly)).status).toBe(403);
  });

  it('refuses a source the token may not read before looking at the id', async () => {
    const response = await backend.get('/logs/context?source=pods&id=nonsense&timestamp=now', TOKENS.gcsOnly);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { param: string }).param).toBe('source');
  });
});
