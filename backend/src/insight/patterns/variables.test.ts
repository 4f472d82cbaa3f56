import { describe, expect, it } from 'vitest';
import { PatternMiner } from './miner.js';
import { MAX_TRACKED_VALUES, VariableSpread, alignValues, withVariables } from './variables.js';

const words = (template: string): string[] => template.split(' ');

describe('aligning a line with its template', () => {
  it('reads each <*> token by token, keeping the punctuation the template spells', () => {
    expect(
      alignValues(words('order filled <*> <*>@<*> venue=<*>'), 'order filled AAPL 10@189.20 venue=XNAS'),
    ).toEqual(['AAPL', '10', '189.20', 'XNAS']);
    expect(alignValues(words('<*> feed.go:<*>] tick'), 'I1129 feed.go:88] tick')).toEqual(['I1129', '88']);
  });

  it('lets a variable span words when the line is longer than its template (free text, units)', () => {
    expect(alignValues(words('reflection on <*>: <*>'), 'reflection on ord-1: The signal was weak.')).toEqual(
      ['ord-1', 'The signal was weak.'],
    );
    expect(alignValues(words('took <*> to load'), 'took 5.2 KB to load')).toEqual(['5.2 KB']);
  });

  it('lets a quoted variable with spaces close on its own quote', () => {
    expect(
      alignValues(words('level=<*> msg="<*>" duration_ms=<*>'), 'level=info msg="scrape ok" duration_ms=12'),
    ).toEqual(['info', 'scrape ok', '12']);
  });

  it('does not align a line whose constant words differ', () => {
    expect(
      alignValues(words('kill switch ARMED by <*>'), 'kill switch DISARMED by operator'),
    ).toBeUndefined();
  });
});

describe('the spread of a template variable', () => {
  const burst = [
    ...Array.from({ length: 5 }, () => 'TSLA'),
    ...Array.from({ length: 4 }, () => 'MSFT'),
    ...Array.from({ length: 3 }, () => 'META'),
    'AAPL',
  ];

  it('counts distinct values and the most frequent, and names a variable after the label holding its value', () => {
    const spread = new VariableSpread('order submission failed for <*>: broker returned <*>');
    for (const symbol of burst)
      spread.add({
        message: `order submission failed for ${symbol}: broker returned 503`,
        labels: { symbol },
      });
    expect(spread.result()).toEqual([
      {
        index: 0,
        name: 'symbol',
        distinct: 4,
        lines: 13,
        top: [
          { value: 'TSLA', count: 5 },
          { value: 'MSFT', count: 4 },
          { value: 'META', count: 3 },
          { value: 'AAPL', count: 1 },
        ],
      },
      { index: 1, distinct: 1, lines: 13, top: [{ value: '503', count: 13 }] },
    ]);
  });

  it('names a key=value variable after its key', () => {
    const spread = new VariableSpread('requesting reflection model=<*> max_tokens=<*>');
    spread.add({ message: 'requesting reflection model=gpt-4o max_tokens=512' });
    expect(spread.result().map((v) => v.name)).toEqual(['model', 'max_tokens']);
  });

  it('stays bounded on values that never repeat, and says the count is a lower bound', () => {
    const spread = new VariableSpread('order <*> cancelled');
    for (let i = 0; i < MAX_TRACKED_VALUES + 50; i++) spread.add({ message: `order ord-${i} cancelled` });
    const [variable] = spread.result();
    expect(variable).toMatchObject({
      distinct: MAX_TRACKED_VALUES,
      distinctCapped: true,
      lines: MAX_TRACKED_VALUES + 50,
    });
    expect(variable?.top).toHaveLength(5);
  });

  it('is attached to mined templates from the lines each one grouped', () => {
    const miner = new PatternMiner();
    const lines = burst.map((symbol) => ({
      message: `order submission failed for ${symbol}: broker returned 503`,
      labels: { symbol },
    }));
    const ids = lines.map((line) => miner.add(line.message));
    const [template] = withVariables(
      miner.templates(),
      lines,
      ids.map((id) => miner.resolve(id)),
    );
    expect(template?.variables?.map((v) => [v.name, v.distinct, v.lines])).toEqual([
      ['symbol', 4, 13],
      [undefined, 1, 13],
    ]);
  });
});
