import { CoreApp, LogsSortOrder, store } from '@grafana/data';
import { Direction } from '@gpt-runner-logs/contract';

/** Where Explore keeps its logs sort order (Grafana's `SETTINGS_KEYS.logsSortOrder`). */
export const EXPLORE_SORT_ORDER_KEY = 'grafana.explore.logs.sortOrder';

/** Grafana's logs sort order as the backend's listing direction. */
export const directionOf = (order: LogsSortOrder): Direction =>
  order === LogsSortOrder.Ascending ? 'forward' : 'backward';

/**
 * A new query reads from the end the logs view shows first: in Explore, the sort order the
 * reader last chose there; elsewhere newest first, the logs panel's default (as Loki does).
 */
export function defaultDirection(app: CoreApp | undefined): Direction {
  if (app !== CoreApp.Explore) {
    return 'backward';
  }
  return directionOf(store.get(EXPLORE_SORT_ORDER_KEY) ?? LogsSortOrder.Descending);
}
