import { describe, expect, it } from 'vitest';
import { createDropCounts } from '../../../functions/consumer/drop-counts.ts';
import { dropMetricsFields } from '../../../functions/consumer/drop-metrics.ts';
import { createJsonLogger } from '../../../functions/lib/logger.ts';

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);

describe('drop metrics', () => {
  it('make the batch line an Embedded Metric Format document: namespace liveheartrate, no dimensions, rate-limited and all dropped records', () => {
    // Prepare
    const lines: string[] = [];
    const dropped = createDropCounts();
    dropped['rate-limited'] = 40;
    dropped['outside-horizon'] = 3;
    dropped['bad-bpm'] = 2;

    // Act
    createJsonLogger((line) => lines.push(line)).info('consumer batch dropped records', { records: 50, ...dropMetricsFields(dropped, NOW) });

    // Assess: `_aws` and the metric values at the root of the JSON line, as CloudWatch requires.
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toEqual({
      level: 'info',
      message: 'consumer batch dropped records',
      records: 50,
      _aws: {
        Timestamp: NOW,
        CloudWatchMetrics: [
          {
            Namespace: 'liveheartrate',
            Dimensions: [[]],
            Metrics: [
              { Name: 'RateLimitedRecords', Unit: 'Count' },
              { Name: 'DroppedRecords', Unit: 'Count' },
            ],
          },
        ],
      },
      RateLimitedRecords: 40,
      DroppedRecords: 45,
    });
  });

  it('are absent for a batch that dropped nothing', () => {
    // Act
    const fields = dropMetricsFields(createDropCounts(), NOW);

    // Assess
    expect(fields).toBeUndefined();
  });
});
