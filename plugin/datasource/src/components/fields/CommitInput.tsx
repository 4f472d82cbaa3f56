import React, { KeyboardEvent, useState } from 'react';
import { Input } from '@grafana/ui';

interface Props {
  id: string;
  value: string;
  onCommit: (value: string) => void;
  placeholder?: string;
  width?: number;
  type?: 'text' | 'number';
  'aria-label'?: string;
}

/**
 * A text input that reports its value on blur or Enter only: queries hit the backend (and
 * may cost money for summaries), so they must not run on every keystroke.
 */
export function CommitInput({ id, value, onCommit, placeholder, width, type = 'text', ...rest }: Props) {
  const [draft, setDraft] = useState(value);
  // When the query changes from outside (log details filter, history), show the new value.
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setDraft(value);
  }

  const commit = () => {
    if (draft !== value) {
      onCommit(draft);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      commit();
    }
  };

  return (
    <Input
      id={id}
      aria-label={rest['aria-label']}
      type={type}
      value={draft}
      placeholder={placeholder}
      width={width}
      onChange={(event) => setDraft(event.currentTarget.value)}
      onBlur={commit}
      onKeyDown={onKeyDown}
    />
  );
}
