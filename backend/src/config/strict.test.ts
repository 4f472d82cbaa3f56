import { describe, expect, it } from 'vitest';
import { problemsOf } from './env.fixture.js';
import { closestName, familiesOf, placeholderIn } from './strict.js';

describe('strict configuration', () => {
  it.each([
    [{ GCS_PREFIXS: 'trades/' }, 'GCS_PREFIXS: is not a setting of this service; did you mean GCS_PREFIXES?'],
    [
      { FIRESTORE_TIME_FEILD: 'created_at' },
      'FIRESTORE_TIME_FEILD: is not a setting of this service; did you mean FIRESTORE_TIME_FIELD?',
    ],
    [
      { REDIS_URI: 'redis://cache:6379' },
      'REDIS_URI: is not a setting of this service; did you mean REDIS_URL?',
    ],
    [{ CACHE_TTL: '30' }, 'CACHE_TTL: is not a setting of this service; did you mean CACHE_TTL_SECONDS?'],
    [
      { K8S_NAMESPACE: 'gpt-runner' },
      'K8S_NAMESPACE: is not a setting of this service; did you mean K8S_NAMESPACES?',
    ],
    [
      { COLLECTOR_ENABLE: 'true' },
      'COLLECTOR_ENABLE: is not a setting of this service; did you mean COLLECTOR_ENABLED?',
    ],
    [
      { SUMMARY_WHATEVER_SETTING: '1' },
      'SUMMARY_WHATEVER_SETTING: is not a setting of this service (README.md, "Configuration", lists them)',
    ],
  ])('refuses the unknown variable in %j, naming it', (env, problem) => {
    expect(problemsOf(env)).toContain(problem);
  });

  it.each<Record<string, string>>([
    // Read by other programs, or added by Kubernetes for the namespace's Services.
    { REDIS_PASSWORD: 'f'.repeat(64) },
    { OPENAI_ORG_ID: 'org-123' },
    { FIRESTORE_EMULATOR_KIND: 'fallback' },
    {
      REDIS_SERVICE_HOST: '10.0.0.7',
      REDIS_PORT: 'tcp://10.0.0.7:6379',
      REDIS_PORT_6379_TCP_ADDR: '10.0.0.7',
    },
    // Outside the service's families.
    { LOG_AGGREGATOR_SERVICE_HOST: '10.0.0.8', GOOGLE_APPLICATION_CREDENTIALS: '/var/run/key.json' },
    { NODE_OPTIONS: '--max-old-space-size=768', HOSTNAME: 'pod-1', PATH: '/usr/bin' },
  ])('accepts %j', (env) => {
    expect(problemsOf(env)).toEqual([]);
  });

  it.each([
    [
      { GOOGLE_CLOUD_PROJECT: 'PROJECT_ID' },
      'GOOGLE_CLOUD_PROJECT: holds the placeholder PROJECT_ID; set the real value',
    ],
    [
      { CACHE_BACKEND: 'redis', REDIS_URL: 'redis://:REPLACE_ME@cache:6379' },
      'REDIS_URL: holds the placeholder REPLACE_ME; set the real value',
    ],
    [
      { REDIS_PASSWORD: 'REPLACE_ME' },
      'REDIS_PASSWORD: holds the placeholder REPLACE_ME; set the real value',
    ],
    [{ AUTH_TOKENS: 'REPLACE_ME' }, 'AUTH_TOKENS: holds the placeholder REPLACE_ME; set the real value'],
    [{ CURSOR_SECRET: 'CHANGE_ME' }, 'CURSOR_SECRET: holds the placeholder CHANGE_ME; set the real value'],
    [{ GCS_BUCKET: '<your-bucket>' }, 'GCS_BUCKET: holds the placeholder <your-bucket>; set the real value'],
    [{ OPENAI_API_KEY: 'TODO' }, 'OPENAI_API_KEY: holds the placeholder TODO; set the real value'],
    [
      { FIRESTORE_TIME_FIELDS: '{"gpt_runner_trades":"TODO"}' },
      'FIRESTORE_TIME_FIELDS: holds the placeholder TODO; set the real value',
    ],
  ])('refuses the placeholder in %j, naming the variable', (env, problem) => {
    expect(problemsOf(env)).toContain(problem);
  });

  it('never echoes a value beyond its placeholder', () => {
    const problems = problemsOf({ OPENAI_API_KEY: 'sk-secret-part-REPLACE_ME' });
    expect(problems).toEqual(['OPENAI_API_KEY: holds the placeholder REPLACE_ME; set the real value']);
  });

  it.each([
    [{ AUTH_TOKENS: '' }, 'AUTH_TOKENS: is empty; it is required'],
    [{ AUTH_TOKENS: '  ' }, 'AUTH_TOKENS: is empty; it is required'],
    [{ FIRESTORE_COLLECTIONS: '' }, 'FIRESTORE_COLLECTIONS: is empty; remove it to use the default'],
    [{ GCS_PREFIXES: ' ' }, 'GCS_PREFIXES: is empty; remove it to use the default'],
    [{ K8S_NAMESPACES: '' }, 'K8S_NAMESPACES: is empty; remove it to use the default'],
    [{ GOOGLE_CLOUD_PROJECT: '' }, 'GOOGLE_CLOUD_PROJECT: is empty; remove it to use the default'],
  ])('refuses the blank value in %j, once', (env, problem) => {
    const problems = problemsOf(env);
    expect(problems).toContain(problem);
    const variable = problem.split(':')[0] as string;
    expect(problems.filter((p) => p.startsWith(`${variable}:`) || p.startsWith(`${variable} `))).toHaveLength(
      1,
    );
  });

  it.each<Record<string, string>>([{ OPENAI_API_KEY: '' }, { OPENAI_BASE_URL: ' ' }, { REDIS_URL: '' }])(
    'reads the blank optional %j as unset, as a Secret key left empty',
    (env) => {
      expect(problemsOf(env)).toEqual([]);
    },
  );

  it('lists every problem at once, in the settings’ order, unknown variables last', () => {
    expect(
      problemsOf({
        AUTH_TOKENS: 'REPLACE_ME',
        CURSOR_SECRET: 'short',
        GCS_PREFIXS: 'x/',
        GCS_BUCKET: 'PROJECT_ID',
      }),
    ).toEqual([
      'AUTH_TOKENS: holds the placeholder REPLACE_ME; set the real value',
      'GCS_BUCKET: holds the placeholder PROJECT_ID; set the real value',
      'CURSOR_SECRET: must be at least 32 characters',
      'GCS_PREFIXS: is not a setting of this service; did you mean GCS_PREFIXES?',
    ]);
  });

  it('derives the families from the settings: a first word shared by two or more', () => {
    expect(
      familiesOf(['GCS_BUCKET', 'GCS_PREFIXES', 'LOG_LEVEL', 'HOST', 'GOOGLE_CLOUD_PROJECT']).sort(),
    ).toEqual(['GCS_']);
  });

  it.each([
    ['PROJECT_ID', 'PROJECT_ID'],
    ['my-PROJECT_ID', 'PROJECT_ID'],
    ['redis://:REPLACE_ME@host:6379', 'REPLACE_ME'],
    ['<project>', '<project>'],
    ['gpt-runner-prod', undefined],
    ['MY_PROJECT_ID_2', undefined],
    ['todo-list', undefined],
    ['a > b < c', undefined],
    ['f'.repeat(64), undefined],
  ])('finds the placeholder in %j: %j', (value, placeholder) => {
    expect(placeholderIn(value)).toBe(placeholder);
  });

  it('suggests only a name close enough to be meant', () => {
    expect(closestName('GCS_PREFIXS', ['GCS_PREFIXES', 'GCS_BUCKET'])).toBe('GCS_PREFIXES');
    expect(closestName('GCS_SOMETHING_ELSE', ['GCS_PREFIXES', 'GCS_BUCKET'])).toBeUndefined();
  });
});
