/**
 * How "Regenerate" re-runs the panel's queries.
 *
 * Grafana 12 gives a panel plugin no API to re-run its own queries. Scene dashboards (the
 * default since Grafana 12) re-run queries only when the time range changes or its refresh
 * picker fires: publishing `RefreshEvent` does not re-query (scenes emits that event after
 * refreshing, it does not listen for it), the legacy `variables-changed` app event is
 * ignored, and `onChangeTimeRange` with the same range is a no-op while a shifted range
 * would turn a relative dashboard range into a fixed one.
 *
 * So the action presses the dashboard's own refresh button (the `RefreshPicker` of
 * @grafana/ui, found by its stable e2e selector). That is exactly what a person would do,
 * works in scene and legacy dashboards and in panel view/edit, and keeps relative ranges
 * relative. It refreshes the whole dashboard, not this panel alone. Where Grafana hides the
 * picker (kiosk mode), the function reports `false` and the panel tells the reader how to
 * refresh instead.
 */
export const REFRESH_BUTTON_SELECTOR = '[data-testid="data-testid RefreshPicker run button"]';

export function refreshDashboard(root: ParentNode = document): boolean {
  const button = root.querySelector<HTMLButtonElement>(REFRESH_BUTTON_SELECTOR);
  if (!button || button.disabled) {
    return false;
  }
  button.click();
  return true;
}
