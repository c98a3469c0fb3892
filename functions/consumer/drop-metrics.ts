// The consumer's drop counts as CloudWatch metrics, through the log: the fields below ride on the batch's one log
// line whenever anything was dropped, making it an Embedded Metric Format document that CloudWatch Logs turns into
// metrics without a PutMetricData call or permission. The alarm on the rate limit watches RateLimitedRecords; in
// the embedded stack the same line just goes to the log.
import type { DropCounts } from './drop-counts.ts';

export const METRICS_NAMESPACE = 'liveheartrate';

/**
 * The EMF fields for one batch's drops, or undefined when nothing was dropped (a clean batch writes no line,
 * and a missing data point reads as zero for an alarm that treats missing data as not breaching).
 * No dimensions: one series each for the whole deployment, which is what the alarm needs.
 */
export function dropMetricsFields(dropped: DropCounts, timestamp: number): Record<string, unknown> | undefined {
  const total = Object.values(dropped).reduce((sum, n) => sum + n, 0);
  if (total === 0) return undefined;
  return {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [[]],
          Metrics: [
            { Name: 'RateLimitedRecords', Unit: 'Count' },
            { Name: 'DroppedRecords', Unit: 'Count' },
          ],
        },
      ],
    },
    RateLimitedRecords: dropped['rate-limited'],
    DroppedRecords: total,
  };
}
