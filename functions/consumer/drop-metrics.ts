// The consumer's drop counts and alert counts as CloudWatch metrics, through the log: the fields below ride on the
// batch's one log line whenever anything was dropped or an alert event was stored, making it an Embedded Metric
// Format document that CloudWatch Logs turns into metrics without a PutMetricData call or permission. The alarms
// watch RateLimitedRecords and AlertPublishFailures; the alert clock writes the alert metrics the same way. In the
// embedded stack the same line just goes to the log.
import type { DropCounts } from './drop-counts.ts';

export const METRICS_NAMESPACE = 'liveheartrate';

/** Alert events a batch (or a run of the alert clock) stored: fired ones, and publishes an outlet did not take. */
export interface AlertCounts {
  fired: number;
  publishFailures: number;
}

const NO_ALERTS: AlertCounts = { fired: 0, publishFailures: 0 };

/**
 * The EMF fields for one batch's drops and alerts, or undefined when there were none (a clean batch writes no
 * line, and a missing data point reads as zero for an alarm that treats missing data as not breaching).
 * No dimensions: one series each for the whole deployment, which is what the alarms need.
 */
export function dropMetricsFields(dropped: DropCounts, timestamp: number, alerts: AlertCounts = NO_ALERTS): Record<string, unknown> | undefined {
  const total = Object.values(dropped).reduce((sum, n) => sum + n, 0);
  const values: Record<string, number> = total === 0 ? {} : { RateLimitedRecords: dropped['rate-limited'], DroppedRecords: total };
  return metricsFields({ ...values, ...alertValues(alerts) }, timestamp);
}

/** The alert clock's equivalent: AlertsFired and AlertPublishFailures for one run, or undefined when it stored nothing. */
export function alertMetricsFields(alerts: AlertCounts, timestamp: number): Record<string, unknown> | undefined {
  return metricsFields(alertValues(alerts), timestamp);
}

function alertValues(alerts: AlertCounts): Record<string, number> {
  if (alerts.fired === 0 && alerts.publishFailures === 0) return {};
  return { AlertsFired: alerts.fired, AlertPublishFailures: alerts.publishFailures };
}

function metricsFields(values: Record<string, number>, timestamp: number): Record<string, unknown> | undefined {
  const names = Object.keys(values);
  if (names.length === 0) return undefined;
  return {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: [[]], Metrics: names.map((Name) => ({ Name, Unit: 'Count' })) }],
    },
    ...values,
  };
}
