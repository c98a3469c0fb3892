// Records a producer could send, for property tests: readings and control records under random write keys,
// every optional field present or absent, values anywhere inside the record's bounds (src/core/record.ts).
import fc from 'fast-check';
import { presetAlertRules, type AlertSettings } from '../../../../src/core/alert-rules.ts';
import { BOUNDS, type ControlRecord, type ReadingRecord, type WireRecord } from '../../../../src/core/record.ts';
import { createWriteKey } from '../../../../src/core/session-key.ts';

export const writeKey: fc.Arbitrary<string> = fc
  .uint8Array({ minLength: 16, maxLength: 16 })
  .map((bytes) => createWriteKey(() => bytes));

const seq = fc.nat({ max: Number.MAX_SAFE_INTEGER });

/** A reading dated anywhere from 2020 to the clock-skew allowance past `nowMs`: back-dated ones included. */
export function readingRecord(nowMs: number): fc.Arbitrary<ReadingRecord> {
  return fc
    .record(
      {
        key: writeKey,
        seq,
        t: fc.integer({ min: BOUNDS.minTimeMs, max: nowMs + BOUNDS.maxClockSkewMs }),
        bpm: fc.integer({ min: BOUNDS.minBpm, max: BOUNDS.maxBpm }),
        rr: fc.array(fc.integer({ min: BOUNDS.minRrMs, max: BOUNDS.maxRrMs }), { minLength: 1, maxLength: BOUNDS.maxRrCount }),
        contact: fc.boolean(),
        kj: fc.integer({ min: BOUNDS.minKj, max: BOUNDS.maxKj }),
      },
      { requiredKeys: ['key', 'seq', 't', 'bpm'] },
    )
    .map((fields) => ({ v: 1, ...fields }));
}

const alertSettings: fc.Arbitrary<AlertSettings> = fc.record({
  rules: fc.integer({ min: 100, max: 230 }).chain((maxHr) => fc.subarray(presetAlertRules(maxHr))),
  hysteresisBpm: fc.integer({ min: 2, max: 20 }),
  repeatAfterS: fc.integer({ min: 0, max: 86_400 }),
});

/** A control record: any of end, exp and alerts, at least one; its device time is any whole non-negative number. */
export const controlRecord: fc.Arbitrary<ControlRecord> = fc
  .record(
    {
      key: writeKey,
      seq,
      t: seq,
      end: fc.constant(true as const),
      exp: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
      alerts: fc.record({ share: fc.boolean(), settings: alertSettings }),
    },
    { requiredKeys: ['key', 'seq', 't'] },
  )
  .filter((r) => r.end !== undefined || r.exp !== undefined || r.alerts !== undefined)
  .map((fields) => ({ v: 1, ...fields }));

export function producerRecord(nowMs: number): fc.Arbitrary<WireRecord> {
  return fc.oneof(readingRecord(nowMs), controlRecord);
}
