import React from 'react';
import { InlineField, RadioButtonGroup } from '@grafana/ui';
import { DIRECTIONS, Direction } from '@gpt-runner-logs/contract';

import { QueryFieldProps } from './types';

/** A record over the contract's directions, so a new one needs its words here to compile. */
const DIRECTION_TEXT: Record<Direction, { label: string; description: string }> = {
  backward: { label: 'Newest first', description: 'The newest lines of the range' },
  forward: { label: 'Oldest first', description: 'The oldest lines of the range' },
};

const OPTIONS = DIRECTIONS.map((value) => ({ value, ...DIRECTION_TEXT[value] }));

/**
 * Which end of the range the lines are read from: with a line limit, "oldest first" must ask
 * the backend for the oldest lines, not re-sort the newest ones.
 */
export function DirectionField({ query, onCommit }: QueryFieldProps) {
  return (
    <InlineField label="Direction" labelWidth={10}>
      <RadioButtonGroup<Direction>
        options={OPTIONS}
        value={query.direction ?? 'backward'}
        onChange={(direction) => onCommit({ direction })}
        size="sm"
      />
    </InlineField>
  );
}
