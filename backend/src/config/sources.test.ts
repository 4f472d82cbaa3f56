import { describe, expect, it } from 'vitest';
import { BASE_ENV } from './env.fixture.js';
import { loadConfig } from './index.js';

const firestoreOf = (env: Record<string, string>) => loadConfig({ ...BASE_ENV, ...env }).firestore;

describe('Firestore time fields', () => {
  it('order reflections by created_at, as GPT Runner+ writes them, when nothing is configured', () => {
    const firestore = firestoreOf({});
    expect(firestore.timeField).toBe('timestamp');
    expect(firestore.timeFields).toEqual({ gpt_runner_reflections: 'created_at' });
  });

  it('keep that default for collections FIRESTORE_TIME_FIELDS does not name', () => {
    const firestore = firestoreOf({ FIRESTORE_TIME_FIELDS: '{"gpt_runner_trades":"executed_at"}' });
    expect(firestore.timeFields).toEqual({
      gpt_runner_trades: 'executed_at',
      gpt_runner_reflections: 'created_at',
    });
  });

  it('let FIRESTORE_TIME_FIELDS override the default of a collection', () => {
    const firestore = firestoreOf({ FIRESTORE_TIME_FIELDS: '{"gpt_runner_reflections":"timestamp"}' });
    expect(firestore.timeFields).toEqual({ gpt_runner_reflections: 'timestamp' });
  });
});
