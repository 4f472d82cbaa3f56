import React from 'react';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CoreApp, EventBusSrv, LogSortOrderChangeEvent, LogsSortOrder, store } from '@grafana/data';
import { getAppEvents, setAppEvents } from '@grafana/runtime';
import { DEFAULT_MAX_ENTRIES, MAX_MAX_ENTRIES } from '@gpt-runner-logs/contract';

import { DataSource } from '../datasource';
import { FakeBackend, VALID_TOKEN, startFakeBackend } from '../__tests__/support/fakeBackend';
import { connectDataSource } from '../__tests__/support/instance';
import { EXPLORE_SORT_ORDER_KEY } from '../querybuilder/sortOrder';
import { DEFAULT_MAX_LINES, QueryType, UnifiedLogsQuery } from '../types';
import { QueryEditor } from './QueryEditor';

let backend: FakeBackend;
let datasource: DataSource;

beforeAll(async () => {
  backend = await startFakeBackend();
  datasource = connectDataSource(backend.url, {
    token: VALID_TOKEN,
    variables: { namespace: 'trading', pod: ['p1', 'p2'], sev: ['ERROR'] },
  });
});

afterAll(async () => {
  await backend.close();
});

beforeEach(() => backend.reset());

/** Holds the query like Grafana's query row does, and records every change and run. */
function renderEditor(initial: Partial<UnifiedLogsQuery> = {}, app?: CoreApp) {
  let query: UnifiedLogsQuery = { refId: 'A', queryType: QueryType.Logs, source: 'all', ...initial };
  // The editor may report a change while it first renders (the initial direction).
  let view: ReturnType<typeof render> | undefined;
  const onChange = jest.fn((next: UnifiedLogsQuery) => {
    query = next;
    view?.rerender(editor());
  });
  const onRunQuery = jest.fn();
  const editor = () => (
    <QueryEditor datasource={datasource} query={query} onChange={onChange} onRunQuery={onRunQuery} app={app} />
  );
  view = render(editor());
  return { onChange, onRunQuery, current: () => query };
}

describe('QueryEditor: query type and source', () => {
  it('switches the query type and runs once', async () => {
    const { current, onRunQuery } = renderEditor();
    expect(screen.getByLabelText('Line limit')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('radio', { name: 'Volume' }));
    expect(current().queryType).toBe(QueryType.Volume);
    expect(onRunQuery).toHaveBeenCalledTimes(1);
    // The limit only applies to log lines.
    expect(screen.queryByLabelText('Line limit')).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Maximum entries')).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('radio', { name: 'Summary' }));
    expect(screen.getByLabelText('Summary focus')).toBeInTheDocument();
    expect(screen.getByLabelText('Maximum entries')).toBeInTheDocument();
    // A summary costs tokens: choosing it does not run it before its focus is set.
    expect(current().queryType).toBe(QueryType.Summary);
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('shows no source-specific fields for All', () => {
    renderEditor();
    expect(screen.queryByLabelText('Bucket')).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Collections')).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Namespace')).not.toBeInTheDocument();
  });

  it('shows the GCS fields', async () => {
    renderEditor();
    await userEvent.click(screen.getByRole('radio', { name: 'GCS' }));
    expect(screen.getByLabelText('Bucket')).toBeInTheDocument();
    expect(screen.getByLabelText('Prefixes')).toBeInTheDocument();
  });

  it('shows the Firestore fields', async () => {
    renderEditor({ source: 'firestore' });
    expect(screen.getByLabelText('Collections')).toBeInTheDocument();
  });

  it('shows the Pods fields', () => {
    renderEditor({ source: 'pods' });
    expect(screen.getByLabelText('Namespace')).toBeInTheDocument();
    expect(screen.getByLabelText('Label selector')).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Pods' })).toBeInTheDocument();
    expect(screen.getByLabelText('Container')).toBeInTheDocument();
    expect(screen.getByLabelText('Previous container')).toBeInTheDocument();
  });
});

describe('QueryEditor: text fields run on blur or Enter, never per keystroke', () => {
  it('commits the search on Enter', async () => {
    const { onChange, onRunQuery, current } = renderEditor();
    const search = screen.getByLabelText('Search text');
    await userEvent.type(search, 'order rejected');
    expect(onChange).not.toHaveBeenCalled();
    expect(onRunQuery).not.toHaveBeenCalled();

    await userEvent.keyboard('{Enter}');
    expect(current().search).toBe('order rejected');
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('commits the search on blur, and not again when nothing changed', async () => {
    const { onRunQuery, current } = renderEditor();
    await userEvent.type(screen.getByLabelText('Search text'), 'margin');
    await userEvent.tab();
    expect(current().search).toBe('margin');
    expect(onRunQuery).toHaveBeenCalledTimes(1);

    await userEvent.click(screen.getByLabelText('Search text'));
    await userEvent.tab();
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('toggles regex search', async () => {
    const { current, onRunQuery } = renderEditor({ search: 'order (filled|rejected)' });
    await userEvent.click(screen.getByLabelText('Search is a regular expression'));
    expect(current().regex).toBe(true);
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('keeps a template variable as the limit', async () => {
    const { current } = renderEditor();
    const limit = screen.getByLabelText('Line limit');
    await userEvent.clear(limit);
    await userEvent.type(limit, '$limit{Enter}');
    expect(current().limit).toBe('$limit');

    await userEvent.clear(limit);
    await userEvent.type(limit, '250{Enter}');
    expect(current().limit).toBe(250);
  });

  it('edits the pods label selector and the previous switch', async () => {
    const { current, onRunQuery } = renderEditor({ source: 'pods' });
    await userEvent.type(screen.getByLabelText('Label selector'), 'app in ($app){Enter}');
    expect(current().selector).toBe('app in ($app)');
    await userEvent.click(screen.getByLabelText('Previous container'));
    expect(current().previous).toBe(true);
    expect(onRunQuery).toHaveBeenCalledTimes(2);
  });

  it('sets the summary focus', async () => {
    const { current } = renderEditor({ queryType: QueryType.Summary });
    await userEvent.type(screen.getByLabelText('Summary focus'), 'failed orders{Enter}');
    await userEvent.type(screen.getByLabelText('Maximum entries'), '300{Enter}');
    expect(current().focus).toBe('failed orders');
    expect(current().maxEntries).toBe(300);
  });

  it("bounds patterns by max entries, with the backend's default as the placeholder", async () => {
    const { current } = renderEditor({ queryType: QueryType.Patterns });
    expect(screen.queryByLabelText('Summary focus')).not.toBeInTheDocument();
    const maxEntries = screen.getByLabelText('Maximum entries');
    expect(maxEntries).toHaveAttribute('placeholder', DEFAULT_MAX_ENTRIES.toLocaleString('en-US'));
    expect(maxEntries).toHaveAttribute('placeholder', '5,000');
    await userEvent.type(maxEntries, `${MAX_MAX_ENTRIES}{Enter}`);
    expect(current().maxEntries).toBe(MAX_MAX_ENTRIES);
  });
});

describe('QueryEditor: label filters', () => {
  it('adds a row without running, then runs when the row is filled in', async () => {
    const { current, onRunQuery } = renderEditor();
    await userEvent.click(screen.getByRole('button', { name: 'Add label filter' }));
    expect(current().labels).toEqual([{ name: '', op: '=', value: '' }]);
    expect(onRunQuery).not.toHaveBeenCalled();

    await userEvent.type(screen.getByLabelText('Label 1 name'), 'symbol{Enter}');
    await userEvent.type(screen.getByLabelText('Label 1 value'), '$sym{Enter}');
    expect(current().labels).toEqual([{ name: 'symbol', op: '=', value: '$sym' }]);
    expect(onRunQuery).toHaveBeenCalledTimes(2);
  });

  it('removes a row and runs', async () => {
    const { current, onRunQuery } = renderEditor({
      labels: [
        { name: 'symbol', op: '=', value: 'BTCUSDT' },
        { name: 'side', op: '!=', value: 'SELL' },
      ],
    });
    await userEvent.click(screen.getByRole('button', { name: 'Remove label filter 1' }));
    expect(current().labels).toEqual([{ name: 'side', op: '!=', value: 'SELL' }]);
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });
});

describe('QueryEditor: suggestions and template variables', () => {
  it('suggests namespaces from /meta/namespaces and dashboard variables, only when opened', async () => {
    const { current, onRunQuery } = renderEditor({ source: 'pods' });
    expect(backend.requests).toHaveLength(0);

    await userEvent.click(screen.getByLabelText('Namespace'));
    const listbox = await screen.findByRole('listbox');
    await waitFor(() => expect(within(listbox).getByText('monitoring')).toBeInTheDocument());
    expect(within(listbox).getByText('$namespace')).toBeInTheDocument();
    expect(backend.requests.map((r) => r.path)).toEqual(['/meta/namespaces']);

    await userEvent.click(within(listbox).getByText('$namespace'));
    expect(current().namespace).toBe('$namespace');
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('asks for pods of the chosen namespace, with the variable resolved', async () => {
    const { current } = renderEditor({ source: 'pods', namespace: '$namespace' });
    await userEvent.click(screen.getByRole('combobox', { name: 'Pods' }));
    const listbox = await screen.findByRole('listbox');
    await waitFor(() => expect(within(listbox).getByText('gpt-runner-pod-2b1d')).toBeInTheDocument());
    const request = backend.requests.find((r) => r.path === '/meta/pods');
    expect(request?.query.get('namespace')).toBe('trading');

    await userEvent.click(within(listbox).getByText('gpt-runner-pod-2b1d'));
    expect(current().pods).toBe('gpt-runner-pod-2b1d');
  });

  it('accepts a value typed by hand', async () => {
    const { current } = renderEditor({ source: 'gcs' });
    await userEvent.click(screen.getByLabelText('Bucket'));
    await userEvent.keyboard('archive-bucket');
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    await userEvent.keyboard('{Enter}');
    expect(current().bucket).toBe('archive-bucket');
  });

  it('picks severities, including a multi-value variable', async () => {
    const { current } = renderEditor();
    await userEvent.click(screen.getByLabelText('Severity'));
    const listbox = await screen.findByRole('listbox');
    await userEvent.click(within(listbox).getByText('ERROR'));
    await userEvent.click(within(await screen.findByRole('listbox')).getByText('$sev'));
    expect(current().severities).toEqual(['ERROR', '$sev']);
  });
});

describe('QueryEditor: summaries run when asked', () => {
  it('runs once the focus is entered, or when Summarize is pressed', async () => {
    const { current, onRunQuery } = renderEditor();
    await userEvent.click(screen.getByRole('radio', { name: 'Summary' }));
    expect(onRunQuery).not.toHaveBeenCalled();

    await userEvent.type(screen.getByLabelText('Summary focus'), 'rejected orders');
    expect(onRunQuery).not.toHaveBeenCalled();
    await userEvent.tab();
    expect(current()).toMatchObject({ queryType: QueryType.Summary, focus: 'rejected orders' });
    expect(onRunQuery).toHaveBeenCalledTimes(1);

    await userEvent.click(screen.getByRole('button', { name: 'Summarize' }));
    expect(onRunQuery).toHaveBeenCalledTimes(2);
  });
});

describe('QueryEditor: line limit and direction', () => {
  it("shows the data source's maximum lines as the limit placeholder", () => {
    renderEditor();
    expect(screen.getByLabelText('Line limit')).toHaveAttribute('placeholder', String(DEFAULT_MAX_LINES));
  });

  it('sends the chosen direction and runs', async () => {
    const { current, onRunQuery } = renderEditor();
    await userEvent.click(screen.getByRole('radio', { name: 'Oldest first' }));
    expect(current().direction).toBe('forward');
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });
});

describe("QueryEditor: the logs view's sort order (LogSortOrderChangeEvent on Grafana's app events)", () => {
  beforeEach(() => setAppEvents(new EventBusSrv()));
  afterEach(() => store.delete(EXPLORE_SORT_ORDER_KEY));

  const publish = (order: LogsSortOrder) =>
    act(() => {
      getAppEvents().publish(new LogSortOrderChangeEvent({ order }));
    });

  it.each([CoreApp.Dashboard, CoreApp.PanelEditor, CoreApp.Explore])(
    'in %s, reads the oldest lines when the view sorts oldest first, and the newest again after',
    (app) => {
      const { current, onRunQuery } = renderEditor({ direction: 'backward' }, app);
      publish(LogsSortOrder.Ascending);
      expect(current().direction).toBe('forward');
      expect(onRunQuery).toHaveBeenCalledTimes(1);

      publish(LogsSortOrder.Ascending);
      expect(onRunQuery).toHaveBeenCalledTimes(1);

      publish(LogsSortOrder.Descending);
      expect(current().direction).toBe('backward');
      expect(onRunQuery).toHaveBeenCalledTimes(2);
    }
  );

  it('ignores the sort order for other query types', () => {
    const volume = renderEditor({ queryType: QueryType.Volume }, CoreApp.Dashboard);
    publish(LogsSortOrder.Ascending);
    expect(volume.current().direction).toBeUndefined();
    expect(volume.onRunQuery).not.toHaveBeenCalled();
  });

  it('starts a new Explore query from the end Explore shows first, without running it', () => {
    store.set(EXPLORE_SORT_ORDER_KEY, LogsSortOrder.Ascending);
    const { current, onRunQuery } = renderEditor({}, CoreApp.Explore);
    expect(current().direction).toBe('forward');
    expect(onRunQuery).not.toHaveBeenCalled();
  });
});
