import { describe, expect, it } from 'vitest';
import { createDropCounts } from '../../../functions/consumer/drop-counts.ts';
import { alertMetricsFields, dropMetricsFields } from '../../../functions/consumer/drop-metrics.ts';
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

  it('add AlertsFired and AlertPublishFailures to the batch line when alert events were stored, drops or not', () => {
    // Prepare
    const dropped = createDropCounts();
    dropped['bad-bpm'] = 1;

    // Act
    const alertsOnly = dropMetricsFields(createDropCounts(), NOW, { fired: 2, publishFailures: 1 });
    const both = dropMetricsFields(dropped, NOW, { fired: 1, publishFailures: 0 });

    // Assess: same namespace, no dimensions, every listed metric has its value at the root.
    expect(alertsOnly).toEqual({
      _aws: {
        Timestamp: NOW,
        CloudWatchMetrics: [
          {
            Namespace: 'liveheartrate',
            Dimensions: [[]],
            Metrics: [
              { Name: 'AlertsFired', Unit: 'Count' },
              { Name: 'AlertPublishFailures', Unit: 'Count' },
            ],
          },
        ],
      },
      AlertsFired: 2,
      AlertPublishFailures: 1,
    });
    expect((both?.['_aws'] as { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> }).CloudWatchMetrics[0]?.Metrics.map((m) => m.Name)).toEqual([
      'RateLimitedRecords',
      'DroppedRecords',
      'AlertsFired',
      'AlertPublishFailures',
    ]);
    expect(both).toMatchObject({ DroppedRecords: 1, AlertsFired: 1, AlertPublishFailures: 0 });
  });

  it("give the alert clock's line the same alert metrics, and nothing when it stored no event", () => {
    // Act
    const fields = alertMetricsFields({ fired: 1, publishFailures: 0 }, NOW);

    // Assess
    expect(fields).toEqual(dropMetricsFields(createDropCounts(), NOW, { fired: 1, publishFailures: 0 }));
    expect(alertMetricsFields({ fired: 0, publishFailures: 0 }, NOW)).toBeUndefined();
  });
});
