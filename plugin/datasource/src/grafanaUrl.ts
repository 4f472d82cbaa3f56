import { config } from '@grafana/runtime';

/** What the summary needs to link into this Grafana's Explore. */
export interface GrafanaLinks {
  grafanaUrl: string;
  datasourceUid: string;
}

/**
 * This Grafana's base URL as the browser reaches it: the page's origin and Grafana's
 * sub-path (`root_url`'s path), which holds behind proxies where the configured `appUrl`
 * may name an internal host. Undefined outside a web page.
 */
export function grafanaBaseUrl(): string | undefined {
  const origin = typeof window === 'undefined' ? undefined : window.location?.origin;
  if (!origin || !/^https?:\/\//.test(origin)) {
    return undefined;
  }
  return `${origin}${config.appSubUrl ?? ''}`;
}
