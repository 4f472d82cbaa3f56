import type { Severity } from './vocabulary.js';

/**
 * Grafana colour names for each severity, the same in the plugin's volume frames and in the
 * provisioned volume panels, in the hues Grafana gives its log levels (critical, alert and
 * emergency are all Grafana's purple "critical", told apart by shade).
 */
export const SEVERITY_COLORS: Readonly<Record<Severity, string>> = {
  DEFAULT: 'text',
  DEBUG: 'blue',
  INFO: 'green',
  NOTICE: 'super-light-green',
  WARNING: 'yellow',
  ERROR: 'red',
  CRITICAL: 'purple',
  ALERT: 'semi-dark-purple',
  EMERGENCY: 'dark-purple',
};

/**
 * The summary panel's plugin id: summary frames name it as their visualisation, so Explore
 * draws a summary with the panel rather than as a one-row table, and dashboards use it.
 */
export const SUMMARY_PANEL_PLUGIN_ID = 'gptrunner-logsummary-panel';
