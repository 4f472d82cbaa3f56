import { describe, expect, it } from 'vitest';
import { labelSelectorProblem } from './label-selector.js';

describe('labelSelectorProblem: the Kubernetes label-selector grammar', () => {
  it.each([
    'app=trader',
    'app==trader',
    'app!=trader',
    'app=',
    'app',
    '!app',
    '! app',
    'app.kubernetes.io/name=trader',
    'tier in (frontend,backend)',
    'tier notin (frontend, backend)',
    'tier in ()',
    'app=trader,tier!=web,!canary',
    ' app = trader , tier in ( a , b ) ',
    'replicas>2',
    'replicas<10',
    'app==',
    'toString=x',
    'constructor',
  ])('accepts %j', (selector) => {
    expect(labelSelectorProblem(selector)).toBeUndefined();
  });

  it.each([
    '',
    '-1',
    '!!',
    '=',
    '!',
    '__proto__',
    'a===b',
    'app=-x',
    'a=b=c',
    'a,,b',
    'a,',
    'a in (b',
    'a in ((b))',
    'a notin b',
    'a>b',
    '!a=b',
    'a b',
    'UPPER.Case/name=x',
    `${'a'.repeat(64)}=x`,
    `a=${'v'.repeat(64)}`,
    'a=b)',
    'x'.repeat(5_000),
  ])('refuses %j', (selector) => {
    expect(labelSelectorProblem(selector)).toEqual(expect.any(String));
  });
});
