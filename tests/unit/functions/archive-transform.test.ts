import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { statusFor, transformRecords, type TransformCounts } from '../../../functions/archive-transform/transform.ts';
import type { Logger } from '../../../functions/lib/logger.ts';
import type { ArchiveLine } from '../../../src/core/archive-record.ts';
import { BOUNDS, DROP_REASONS, encodeRecord } from '../../../src/core/record.ts';
import { deriveViewId } from '../../../src/core/session-key.ts';
import { KEY, MALFORMED_RECORDS, NOW, reading } from '../core/support/malformed-records.ts';
import { producerRecord } from '../core/support/wire-records.ts';
import { firehoseEvent, type FirehoseInput } from './support/firehose-events.ts';

interface LogLine {
  message: string;
  fields?: Record<string, unknown>;
}

function recordingLogger(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const push = (message: string, fields?: Record<string, unknown>): void => {
    lines.push({ message, fields });
  };
  return { log: { info: push, error: push }, lines };
}

function decoded(data: string | undefined): string {
  return Buffer.from(data ?? '', 'base64').toString('utf8');
}

const malformedInputs: FirehoseInput[] = MALFORMED_RECORDS.map(({ input }) => ({
  data: typeof input === 'function' ? JSON.stringify(input()) : input,
}));

describe('transformRecords', () => {
  it('answers Firehose with an Ok line, base64-encoded, for a valid reading', () => {
    // Prepare
    const { log } = recordingLogger();
    const event = firehoseEvent([{ data: JSON.stringify(reading()) }], NOW);

    // Act
    const response = transformRecords(event, { log, now: () => NOW });

    // Assess
    expect(response).toEqual({
      records: [
        {
          recordId: event.records[0]?.recordId,
          result: 'Ok',
          data: Buffer.from(`{"v":1,"viewId":"${deriveViewId(KEY)}","seq":7,"t":${NOW - 1000},"bpm":72}\n`).toString('base64'),
        },
      ],
    });
  });

  it.each(MALFORMED_RECORDS)('marks $name with $reason and counts it', ({ input, reason }) => {
    // Prepare
    const { log, lines } = recordingLogger();
    const data = typeof input === 'function' ? JSON.stringify(input()) : input;
    const event = firehoseEvent([{ data }], NOW);

    // Act
    const response = transformRecords(event, { log, now: () => NOW });

    // Assess
    const status = statusFor(reason);
    expect(response.records).toEqual([
      { recordId: event.records[0]?.recordId, result: status, data: status === 'Dropped' ? '' : event.records[0]?.data },
    ]);
    const counts = lines[0]?.fields as unknown as TransformCounts;
    expect(status === 'Dropped' ? counts.dropped : counts.failed).toEqual({ [reason]: 1 });
  });

  it('sends every malformed reason to the error prefix, and only a contact gap is dropped on purpose', () => {
    // Act
    const statuses = Object.fromEntries(DROP_REASONS.map((reason) => [reason, statusFor(reason)]));

    // Assess
    expect(Object.entries(statuses).filter(([, s]) => s === 'Dropped')).toEqual([['contact-gap', 'Dropped']]);
    expect(Object.values(statuses).filter((s) => s === 'ProcessingFailed')).toHaveLength(DROP_REASONS.length - 1);
  });

  it('judges the time bounds at the record\'s arrival, not at the transform\'s clock', () => {
    // Prepare
    const { log } = recordingLogger();
    const t = NOW + BOUNDS.maxClockSkewMs + 1;
    const event = firehoseEvent(
      [
        { data: JSON.stringify(reading({ t })), arrivalMs: NOW },
        { data: JSON.stringify(reading({ t })), arrivalMs: Number.NaN },
      ],
      NOW,
    );

    // Act: the transform runs an hour after the records arrived, as a delayed or retried batch would.
    const response = transformRecords(event, { log, now: () => NOW + 3_600_000 });

    // Assess: the first is too far ahead of its arrival; the second has no arrival time and falls back to the clock.
    expect(response.records.map((r) => r.result)).toEqual(['ProcessingFailed', 'Ok']);
  });

  it('logs one line of counts per batch, never a key or a record', () => {
    // Prepare
    const { log, lines } = recordingLogger();
    const event = firehoseEvent([{ data: JSON.stringify(reading()) }, { data: JSON.stringify(reading({ bpm: 9 })) }, ...malformedInputs], NOW);

    // Act
    transformRecords(event, { log, now: () => NOW });

    // Assess
    expect(lines).toHaveLength(1);
    const text = JSON.stringify(lines);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(deriveViewId(KEY));
    expect(lines[0]?.fields).toMatchObject({ records: event.records.length, ok: 1 });
    expect((lines[0]?.fields as unknown as TransformCounts).failed['bad-bpm']).toBeGreaterThan(1);
  });

  it('marks a record whose data is not a string as failed instead of throwing', () => {
    // Prepare
    const { log } = recordingLogger();
    const event = firehoseEvent([{ data: JSON.stringify(reading()) }], NOW);
    const broken = { ...event, records: [{ ...event.records[0], data: undefined as unknown as string, recordId: 'r1', approximateArrivalTimestamp: NOW }] };

    // Act
    const response = transformRecords(broken, { log, now: () => NOW });

    // Assess
    expect(response.records).toEqual([{ recordId: 'r1', result: 'ProcessingFailed', data: '' }]);
  });

  it('for any batch of producer records and malformed input: one answer per recordId in order, no key, lines that read back', () => {
    const item = fc.oneof(
      producerRecord(NOW).map((record) => ({ record, input: { data: encodeRecord(record) } })),
      fc.constantFrom(...malformedInputs).map((input) => ({ record: undefined, input })),
    );
    fc.assert(
      fc.property(fc.array(item, { maxLength: 20 }), (items) => {
        // Prepare
        const { log } = recordingLogger();
        const event = firehoseEvent(
          items.map((i) => i.input),
          NOW,
        );

        // Act
        const response = transformRecords(event, { log, now: () => NOW });

        // Assess
        expect(response.records.map((r) => r.recordId)).toEqual(event.records.map((r) => r.recordId));
        items.forEach(({ record }, i) => {
          const out = response.records[i];
          if (record === undefined) {
            expect(out?.result).not.toBe('Ok');
            return;
          }
          expect(out?.result).toBe('Ok');
          const line = decoded(out?.data);
          expect(line).not.toContain(record.key);
          expect(line).not.toContain(Buffer.from(record.key).toString('base64'));
          expect(out?.data).not.toContain(Buffer.from(record.key).toString('base64'));
          expect(line.indexOf('\n')).toBe(line.length - 1);
          const { key, ...fields } = record;
          expect(JSON.parse(line) as ArchiveLine).toEqual({ ...fields, viewId: deriveViewId(key) });
        });
      }),
      { numRuns: 200 },
    );
  });
});
