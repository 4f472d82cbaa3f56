import { templateRegex } from '@gpt-runner-logs/contract';
import { describe, expect, it } from 'vitest';
import { generateCorpus } from '../../../bench/corpus/generate.js';
import { compileSafeRegex } from '../../query/safe-regex.js';
import { PatternMiner } from './miner.js';

/**
 * A click on a pattern searches the logs with `templateRegex(template)`: it must find
 * every line the miner grouped under the template, on the backend's own RE2 engine.
 */
describe('the search of a mined template', () => {
  const lines = generateCorpus(7, 1500).map((line) => line.content);
  const miner = new PatternMiner();
  const ids = lines.map((line) => miner.add(line));
  const templates = new Map(miner.templates().map((t) => [t.id, t.template]));

  it('matches every line its template grouped', () => {
    const searches = new Map([...templates].map(([id, t]) => [id, compileSafeRegex(templateRegex(t))]));
    const misses = lines.filter(
      (line, i) => !searches.get(miner.resolve(ids[i] as string) ?? '')?.test(line),
    );
    expect(misses).toEqual([]);
  });

  it('is anchored: a template does not match the longer lines of another', () => {
    const search = compileSafeRegex(templateRegex('kill switch <*> by <*>'));
    expect(search.test('kill switch ARMED by operator')).toBe(true);
    expect(search.test('note: kill switch ARMED by operator')).toBe(false);
    expect(compileSafeRegex(templateRegex('order <*> cancelled')).test('order 1 cancelled twice')).toBe(
      false,
    );
  });

  it('takes the template’s words literally', () => {
    const search = compileSafeRegex(templateRegex('GET /api/v1/positions?(x) <*> [ok]'));
    expect(search.test('GET /api/v1/positions?(x) 200 [ok]')).toBe(true);
    expect(search.test('GET /api/v1/positionsX(x) 200 [ok]')).toBe(false);
  });
});
