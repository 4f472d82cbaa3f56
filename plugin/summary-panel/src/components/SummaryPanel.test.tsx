import React from 'react';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DataQueryRequest, LoadingState } from '@grafana/data';
import { RefreshEvent } from '@grafana/runtime';
import { DigestInput } from '@gpt-runner-logs/contract';

import { RECORDED, panelProps, summaryFrame } from '../__tests__/panelProps';
import { panelQueryRunner } from '../summary/refresh';
import { SummaryPanel } from './SummaryPanel';

const firstErrorTemplate = RECORDED.digest.templates.errors[0]!;

describe('SummaryPanel with a Summary frame', () => {
  it('renders the markdown summary', () => {
    render(<SummaryPanel {...panelProps({ series: [summaryFrame()] })} />);
    expect(screen.getByRole('heading', { name: 'What happened' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Likely causes' })).toBeInTheDocument();
    const summary = screen.getByTestId('summary-markdown');
    expect(within(summary).getAllByText(firstErrorTemplate.id).length).toBeGreaterThan(0);
  });

  it('shows provider, model and tokens in the footer', () => {
    render(
      <SummaryPanel
        {...panelProps({
          series: [
            summaryFrame({
              provider: 'openai',
              model: 'gpt-4o-mini',
              usage: { promptTokens: 1834, completionTokens: 212 },
              cached: true,
            }),
          ],
        })}
      />
    );
    expect(screen.getByLabelText('Summary source')).toHaveTextContent(
      'openai · gpt-4o-mini · 1,834 prompt + 212 completion tokens · cached'
    );
  });

  it('shows severity counts, spikes with their times, and the top error templates', () => {
    render(<SummaryPanel {...panelProps({ series: [summaryFrame()] })} />);
    const highlights = screen.getByRole('region', { name: 'Digest highlights' });
    const severities = within(highlights).getByRole('list', { name: 'Lines by severity' });
    expect(severities).toHaveTextContent(`${RECORDED.digest.totals.entries} lines`);
    expect(within(severities).getByText('ERROR', { exact: false })).toHaveTextContent(
      `ERROR ${RECORDED.digest.bySeverity.ERROR}`
    );

    // A recorded digest of a backend that sent no baseline: nothing is compared with it.
    const spikes = within(highlights).getByRole('list', { name: 'Error spikes' });
    expect(spikes).toHaveTextContent(/^2026-03-02 11:20–11:34: 45 errors, peak 8 per bucket$/);

    const table = within(highlights).getByRole('table', { name: 'Top error templates' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(5);
    expect(rows[0]).toHaveTextContent(firstErrorTemplate.id);
    expect(rows[0]).toHaveTextContent(firstErrorTemplate.template);
    expect(within(rows[0]!).getAllByRole('cell')[1]).toHaveTextContent(String(firstErrorTemplate.errors));
  });

  it.each([
    [0, /peak 8 per bucket, none elsewhere in the window$/],
    [0.5, /peak 8 per bucket, against 0\.5 per bucket elsewhere$/],
    [2, /peak 8 per bucket \(4\.0× the 2 per bucket elsewhere\)$/],
  ])(
    'states a spike against the rest of the window (baseline %s), never against a median of zero',
    (baseline, text) => {
      const spikes = RECORDED.digest.spikes.map((spike) => ({ ...spike, median: 0, baseline }));
      render(<SummaryPanel {...panelProps({ series: [summaryFrame({ digest: { ...RECORDED.digest, spikes } })] })} />);
      const list = screen.getByRole('list', { name: 'Error spikes' });
      expect(list).toHaveTextContent(text);
      expect(list).not.toHaveTextContent('median');
    }
  );

  it("shows an error template's value spread under its pattern", () => {
    const variables = [
      {
        index: 0,
        name: 'symbol',
        distinct: 8,
        lines: 36,
        top: [
          { value: 'TSLA', count: 7 },
          { value: 'MSFT', count: 5 },
          { value: 'META', count: 5 },
        ],
      },
      { index: 1, distinct: 1, lines: 36, top: [{ value: '503', count: 36 }] },
    ];
    const errors = [{ ...firstErrorTemplate, variables }, ...RECORDED.digest.templates.errors.slice(1)];
    const digest = { ...RECORDED.digest, templates: { ...RECORDED.digest.templates, errors } };
    render(<SummaryPanel {...panelProps({ series: [summaryFrame({ digest })] })} />);
    const table = screen.getByRole('table', { name: 'Top error templates' });
    const first = within(table).getAllByRole('row')[1]!;
    expect(first).toHaveTextContent('symbol 8: TSLA 7, MSFT 5, META 5, …');
    // One value on every line is no spread: it is not repeated under the pattern.
    expect(first).not.toHaveTextContent('503 36');
  });

  it('says why a partial digest is partial, with the warnings the backend read with', () => {
    const input: DigestInput = {
      entries: RECORDED.digest.input.entries,
      truncated: false,
      partial: true,
      warnings: ['firestore: deadline exceeded after 8000 ms'],
    };
    const digest = { ...RECORDED.digest, input };
    render(<SummaryPanel {...panelProps({ series: [summaryFrame({ digest })] })} />);
    const highlights = screen.getByRole('region', { name: 'Digest highlights' });
    expect(highlights).toHaveTextContent('A source failed; its lines are missing.');
    const warnings = within(highlights).getByRole('list', { name: 'Read warnings' });
    expect(
      within(warnings)
        .getAllByRole('listitem')
        .map((item) => item.textContent)
    ).toEqual(input.warnings);
  });

  it('hides the digest when the option is off', () => {
    render(<SummaryPanel {...panelProps({ series: [summaryFrame()], options: { showDigest: false } })} />);
    expect(screen.queryByRole('region', { name: 'Digest highlights' })).not.toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'What happened' })).toBeInTheDocument();
  });

  it('leaves out the highlights when the digest is not one the panel knows', () => {
    render(<SummaryPanel {...panelProps({ series: [summaryFrame({ digest: {} as never })] })} />);
    expect(screen.queryByRole('region', { name: 'Digest highlights' })).not.toBeInTheDocument();
  });

  it('caps its height at the maximum height option, and otherwise fills the panel', () => {
    const { rerender } = render(
      <SummaryPanel {...panelProps({ series: [summaryFrame()], options: { maxHeight: 240 }, height: 500 })} />
    );
    expect(screen.getByTestId('summary-panel')).toHaveStyle({ maxHeight: '240px' });
    rerender(<SummaryPanel {...panelProps({ series: [summaryFrame()], options: { maxHeight: 0 }, height: 500 })} />);
    expect(screen.getByTestId('summary-panel')).toHaveStyle({ maxHeight: '500px' });
  });

  it('never lets script or raw HTML from log text into the page', () => {
    const summary =
      '## What happened\n\n<script>window.pwned = true</script>\n\nbroker said <img src=x onerror="window.pwned=true"> ' +
      'see [docs](javascript:window.pwned=true)';
    const { container } = render(<SummaryPanel {...panelProps({ series: [summaryFrame({ summary })] })} />);
    expect(container.querySelector('script, img, iframe')).toBeNull();
    expect(container.querySelector('a[href^="javascript"]')).toBeNull();
    expect(screen.getByTestId('summary-markdown')).toHaveTextContent('<script>window.pwned = true</script>');
    expect((window as unknown as { pwned?: boolean }).pwned).toBeUndefined();
  });
});

describe('SummaryPanel states', () => {
  it('explains what it needs when there is no Summary frame', () => {
    render(<SummaryPanel {...panelProps()} />);
    expect(screen.getByRole('status')).toHaveTextContent('No summary yet.');
    expect(screen.getByRole('status')).toHaveTextContent('Summary query type');
  });

  it('ignores frames of other query types', () => {
    const logs = summaryFrame();
    logs.fields = logs.fields.filter((f) => f.name !== 'summary');
    render(<SummaryPanel {...panelProps({ series: [logs] })} />);
    expect(screen.getByText('No summary yet.')).toBeInTheDocument();
  });

  it('shows the loading state while the first summary is generated', () => {
    render(<SummaryPanel {...panelProps({ state: LoadingState.Loading })} />);
    expect(screen.getByText('Generating summary…')).toBeInTheDocument();
    expect(screen.queryByText('No summary yet.')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Regenerate' })).toHaveAttribute('aria-disabled', 'true');
  });

  it('keeps the previous summary visible while regenerating', () => {
    render(<SummaryPanel {...panelProps({ series: [summaryFrame()], state: LoadingState.Loading })} />);
    expect(screen.getByText('Regenerating…')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'What happened' })).toBeInTheDocument();
    expect(screen.getByTestId('summary-panel')).toHaveAttribute('data-state', 'loading');
  });

  it('shows "writing…" while the frame streams, from its meta or the data state', () => {
    const partial = '## What happened\n\nBetween 11:00 and';
    const { rerender } = render(
      <SummaryPanel {...panelProps({ series: [summaryFrame({ summary: partial }, { streaming: true })] })} />
    );
    expect(screen.getByText('writing…')).toBeInTheDocument();
    expect(screen.getByText('Between 11:00 and')).toBeInTheDocument();
    expect(screen.getByRole('article', { name: 'Log summary' })).toHaveAttribute('aria-busy', 'true');

    rerender(
      <SummaryPanel {...panelProps({ series: [summaryFrame({ summary: partial })], state: LoadingState.Streaming })} />
    );
    expect(screen.getByText('writing…')).toBeInTheDocument();

    rerender(<SummaryPanel {...panelProps({ series: [summaryFrame()] })} />);
    expect(screen.queryByText('writing…')).not.toBeInTheDocument();
  });

  it("shows the backend's reason when the query fails", () => {
    render(
      <SummaryPanel
        {...panelProps({
          state: LoadingState.Error,
          errors: [
            {
              refId: 'A',
              message: 'Forbidden',
              data: { message: 'Forbidden', error: 'role viewer may not summarize' },
            },
          ],
        })}
      />
    );
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Summary failed (A)');
    expect(alert).toHaveTextContent('role viewer may not summarize');
    expect(screen.queryByText('No summary yet.')).not.toBeInTheDocument();
  });

  it('says so when the summary is empty', () => {
    render(<SummaryPanel {...panelProps({ series: [summaryFrame({ summary: '' })] })} />);
    expect(screen.getByText('The summary is empty.')).toBeInTheDocument();
  });
});

describe('Regenerate', () => {
  /** Scenes' SafeSerializableSceneObject: `value` is the wrapper itself, `valueOf()` the scene object. */
  class SceneObjectWrapper {
    text = '__sceneObject';
    constructor(private readonly object: object) {}
    valueOf = () => this.object;
    get value() {
      return this;
    }
  }

  /** The request a scene dashboard's query runner sends: it names itself as `__sceneObject`. */
  const sceneRequest = (runner: object, wrap = true) =>
    ({
      requestId: 'SQR101',
      targets: [],
      scopedVars: { __sceneObject: wrap ? new SceneObjectWrapper(runner) : { text: '__sceneObject', value: runner } },
    }) as unknown as DataQueryRequest;

  it("re-runs the panel's own query runner in a scene dashboard", async () => {
    const runner = { runQueries: jest.fn() };
    const props = panelProps({ series: [summaryFrame()] });
    render(<SummaryPanel {...props} data={{ ...props.data, request: sceneRequest(runner) }} />);
    await userEvent.click(screen.getByRole('button', { name: 'Regenerate' }));
    expect(runner.runQueries).toHaveBeenCalledTimes(1);
    expect(props.eventBus.publish).not.toHaveBeenCalled();
    expect(screen.queryByText(/to regenerate/)).not.toBeInTheDocument();
  });

  it("publishes Grafana's RefreshEvent elsewhere, and says how to run the query again", async () => {
    const props = panelProps({ series: [summaryFrame()] });
    render(<SummaryPanel {...props} />);
    await userEvent.click(screen.getByRole('button', { name: 'Regenerate' }));
    expect(props.eventBus.publish).toHaveBeenCalledWith(expect.any(RefreshEvent));
    expect(screen.getByText('Run the query again (refresh) to regenerate.')).toBeInTheDocument();
  });

  it('finds the query runner only where Grafana put one', () => {
    const props = panelProps({ series: [summaryFrame()] });
    expect(panelQueryRunner(props.data)).toBeUndefined();
    expect(panelQueryRunner({ ...props.data, request: sceneRequest({ runQueries: 'no' }) })).toBeUndefined();
    const runner = { runQueries: () => undefined };
    expect(panelQueryRunner({ ...props.data, request: sceneRequest(runner) })).toBe(runner);
    expect(panelQueryRunner({ ...props.data, request: sceneRequest(runner, false) })).toBe(runner);
  });

  it('is disabled while the summary is still being written', async () => {
    const regenerate = jest.fn(() => true);
    render(
      <SummaryPanel {...panelProps({ series: [summaryFrame({}, { streaming: true })] })} regenerate={regenerate} />
    );
    expect(screen.getByRole('button', { name: 'Regenerate' })).toHaveAttribute('aria-disabled', 'true');
    await userEvent.click(screen.getByRole('button', { name: 'Regenerate' }), { pointerEventsCheck: 0 });
    expect(regenerate).not.toHaveBeenCalled();
  });
});
