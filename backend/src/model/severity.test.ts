import { describe, expect, it } from 'vitest';
import {
  isSeverity,
  normalizeSeverity,
  parseSeverityName,
  SEVERITIES,
  severityRank,
  type Severity,
} from './severity.js';

describe('normalizeSeverity', () => {
  it.each<[unknown, Severity]>([
    // Cloud Logging's own names.
    ['DEFAULT', 'DEFAULT'],
    ['DEBUG', 'DEBUG'],
    ['INFO', 'INFO'],
    ['NOTICE', 'NOTICE'],
    ['WARNING', 'WARNING'],
    ['ERROR', 'ERROR'],
    ['CRITICAL', 'CRITICAL'],
    ['ALERT', 'ALERT'],
    ['EMERGENCY', 'EMERGENCY'],
    // Short and alternative spellings.
    ['warn', 'WARNING'],
    ['warning', 'WARNING'],
    ['W', 'WARNING'],
    ['err', 'ERROR'],
    ['error', 'ERROR'],
    ['E', 'ERROR'],
    ['fatal', 'CRITICAL'],
    ['panic', 'CRITICAL'],
    ['critical', 'CRITICAL'],
    ['trace', 'DEBUG'],
    ['emerg', 'EMERGENCY'],
    // Python logging.
    ['NOTSET', 'DEFAULT'],
    ['Warning', 'WARNING'],
    // Case and surrounding whitespace do not matter.
    ['  eRrOr\t', 'ERROR'],
    ['\n info \n', 'INFO'],
  ])('name %j → %s', (level, expected) => {
    expect(normalizeSeverity(level)).toBe(expected);
  });

  it.each<[number, Severity]>([
    // pino / bunyan.
    [10, 'DEBUG'],
    [20, 'DEBUG'],
    [30, 'INFO'],
    [40, 'WARNING'],
    [50, 'ERROR'],
    [60, 'CRITICAL'],
    // syslog (RFC 5424): 0 is the most severe.
    [0, 'EMERGENCY'],
    [1, 'ALERT'],
    [2, 'CRITICAL'],
    [3, 'ERROR'],
    [4, 'WARNING'],
    [5, 'NOTICE'],
    [6, 'INFO'],
    [7, 'DEBUG'],
    // Cloud Logging numbers.
    [100, 'DEBUG'],
    [200, 'INFO'],
    [300, 'NOTICE'],
    [400, 'WARNING'],
    [500, 'ERROR'],
    [600, 'CRITICAL'],
    [700, 'ALERT'],
    [800, 'EMERGENCY'],
    // Numbers on none of the scales.
    [8, 'DEFAULT'],
    [15, 'DEFAULT'],
    [70, 'DEFAULT'],
    [900, 'DEFAULT'],
    [-1, 'DEFAULT'],
    [30.5, 'DEFAULT'],
    [Number.NaN, 'DEFAULT'],
    [Number.POSITIVE_INFINITY, 'DEFAULT'],
  ])('number %d → %s', (level, expected) => {
    expect(normalizeSeverity(level)).toBe(expected);
    // A numeric string means the same as the number it spells.
    if (Number.isInteger(level) && level >= 0) expect(normalizeSeverity(` ${level} `)).toBe(expected);
  });

  it.each<[unknown, Severity]>([
    ['', 'DEFAULT'],
    ['   ', 'DEFAULT'],
    ['verbose-ish', 'DEFAULT'],
    ['-1', 'DEFAULT'],
    ['30.0', 'DEFAULT'],
    [undefined, 'DEFAULT'],
    [null, 'DEFAULT'],
    [true, 'DEFAULT'],
    [{ level: 'error' }, 'DEFAULT'],
    [['error'], 'DEFAULT'],
    // Names inherited by every object are not level names.
    ['constructor', 'DEFAULT'],
    ['toString', 'DEFAULT'],
    ['__proto__', 'DEFAULT'],
    ['hasOwnProperty', 'DEFAULT'],
  ])('unknown %j → %s', (level, expected) => {
    expect(normalizeSeverity(level)).toBe(expected);
  });
});

describe('parseSeverityName', () => {
  it.each<[string, Severity | undefined]>([
    ['DEFAULT', 'DEFAULT'],
    ['default', 'DEFAULT'],
    ['warning', 'WARNING'],
    [' Error ', 'ERROR'],
    ['warn', 'WARNING'],
    ['fatal', 'CRITICAL'],
    ['500', 'ERROR'],
    ['emergency', 'EMERGENCY'],
    // Unknown names are rejected rather than read as DEFAULT.
    ['bogus', undefined],
    ['', undefined],
    ['notset', undefined],
    ['constructor', undefined],
    ['CONSTRUCTOR', undefined],
  ])('%j → %s', (name, expected) => {
    expect(parseSeverityName(name)).toBe(expected);
  });
});

describe('severityRank and isSeverity', () => {
  it.each(SEVERITIES.map((severity, rank) => [severity, rank] as const))(
    '%s has rank %d',
    (severity, rank) => {
      expect(severityRank(severity)).toBe(rank);
      // Cloud Logging's number for the severity reads back as the severity.
      expect(normalizeSeverity(rank * 100)).toBe(rank === 0 ? 'EMERGENCY' : severity);
    },
  );

  it.each<[string, boolean]>([
    ['ERROR', true],
    ['DEFAULT', true],
    ['error', false],
    ['WARN', false],
    ['toString', false],
    ['constructor', false],
    ['__proto__', false],
  ])('isSeverity(%j) is %s', (value, expected) => {
    expect(isSeverity(value)).toBe(expected);
  });
});
