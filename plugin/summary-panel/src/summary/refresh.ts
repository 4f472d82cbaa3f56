import { EventBus, PanelData } from '@grafana/data';
import { RefreshEvent } from '@grafana/runtime';

/**
 * How "Regenerate" re-runs the panel's query, through Grafana's own objects.
 *
 * Scene dashboards (the default since Grafana 12) run a panel's queries with a
 * `SceneQueryRunner`, and hand it to data sources in every request's scoped variables as
 * `__sceneObject` (wrapped so it does not serialize); Grafana's data sources read it there
 * too. Its public `runQueries()` re-runs this panel's queries alone, with the dashboard's
 * time range as it is — a relative range stays relative, the rest of the dashboard is not
 * re-queried. Publishing `RefreshEvent` does not re-query a scene dashboard (scenes emit it
 * after a refresh) and `onChangeTimeRange` would turn a relative range into a fixed one.
 *
 * Elsewhere (Explore, a dashboard without scenes) the panel publishes `RefreshEvent` on the
 * event bus Grafana gave it, which the older dashboards listen to, and reports `false` so the
 * panel can say how to run the query again.
 */
interface QueryRunner {
  runQueries: () => void;
}

const isQueryRunner = (value: unknown): value is QueryRunner =>
  typeof value === 'object' && value !== null && typeof (value as Partial<QueryRunner>).runQueries === 'function';

interface Unwrappable {
  value?: { valueOf?: () => unknown };
  valueOf?: () => unknown;
}

/**
 * The scene object Grafana put in the request: scenes wrap it in a `SafeSerializableSceneObject`
 * (its `value` is the wrapper itself, its `valueOf()` the object; older ones lack `value`), or
 * older Grafana versions put it there as `{ value: object }`.
 */
export function panelQueryRunner(data: PanelData): QueryRunner | undefined {
  const scoped = data.request?.scopedVars?.__sceneObject as Unwrappable | undefined;
  return [scoped?.value?.valueOf?.(), scoped?.valueOf?.()].find(isQueryRunner);
}

export function regenerate(data: PanelData, eventBus: EventBus): boolean {
  const runner = panelQueryRunner(data);
  if (runner) {
    runner.runQueries();
    return true;
  }
  eventBus.publish(new RefreshEvent());
  return false;
}
