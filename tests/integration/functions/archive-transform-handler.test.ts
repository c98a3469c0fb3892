// The archive transform's Lambda entry as Firehose invokes it: a data-transformation event in (base64 data,
// recordId, approximateArrivalTimestamp), the documented response out. Contract level: the shapes are AWS's
// (Firehose "Data transformation" docs, @types/aws-lambda); no real Firehose runs here.
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeRecord } from '../../../src/core/record.ts';
import { deriveViewId } from '../../../src/core/session-key.ts';
import { MALFORMED_RECORDS, NOW as MALFORMED_AT } from '../../unit/core/support/malformed-records.ts';
import { producerRecord } from '../../unit/core/support/wire-records.ts';
import { firehoseEvent, type FirehoseInput } from '../../unit/functions/support/firehose-events.ts';
import { NOW, control, reading, sessionKeys } from '../../unit/functions/support/kinesis-events.ts';

type TransformModule = { handler: (event: FirehoseTransformationEvent) => Promise<FirehoseTransformationResult> };

const RESULTS = ['Ok', 'Dropped', 'ProcessingFailed'];
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// Arriving when the cases are judged: some are malformed only by their time (too far ahead of their arrival).
const malformed: FirehoseInput[] = MALFORMED_RECORDS.filter((m) => m.reason !== 'contact-gap').map(({ input }) => ({
  data: typeof input === 'function' ? JSON.stringify(input()) : input,
  arrivalMs: MALFORMED_AT,
}));

const decoded = (data: string | undefined): string => Buffer.from(data ?? '', 'base64').toString('utf8');

/**
 * Every spelling of a key that could leak: as is, and base64 at each of the three byte alignments it could sit at
 * inside encoded data. After the 0-2 bytes in front of it, six whole 3-byte groups (24 characters) are the key's alone.
 */
function spellingsOf(key: string): string[] {
  const encodedAt = (offset: number): string => Buffer.from(`${'x'.repeat(offset)}${key}`).toString('base64').slice(offset === 0 ? 0 : 4, (offset === 0 ? 0 : 4) + 24);
  return [key, encodedAt(0), encodedAt(1), encodedAt(2)];
}

/** Firehose concatenates the Ok records of a batch into one object, in order, adding nothing between them. */
const concatenatedOk = (response: FirehoseTransformationResult): string =>
  response.records.filter((r) => r.result === 'Ok').map((r) => decoded(r.data)).join('');

describe('archive transform Lambda entry', () => {
  let logged: string[];

  beforeEach(async () => {
    vi.resetModules();
    logged = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void logged.push(String(line)));
  });
  afterEach(() => vi.restoreAllMocks());

  const load = async (): Promise<TransformModule> => import('../../../functions/archive-transform/handler.ts');

  it('answers with exactly the documented fields: one {recordId, result, data} per input record, in order', async () => {
    // Prepare
    const { handler } = await load();
    const { key } = sessionKeys(3);
    const event = firehoseEvent(
      [{ data: JSON.stringify(reading(key, 1)) }, { data: JSON.stringify(reading(key, 2, { bpm: 0, contact: false, rr: undefined })) }, ...malformed],
      NOW,
    );

    // Act
    const response = await handler(event);

    // Assess
    expect(Object.keys(response)).toEqual(['records']);
    expect(response.records.map((r) => r.recordId)).toEqual(event.records.map((r) => r.recordId));
    for (const record of response.records) {
      expect(Object.keys(record).sort()).toEqual(['data', 'recordId', 'result']);
      expect(RESULTS).toContain(record.result);
      expect(record.data).toMatch(BASE64);
    }
    expect(response.records.map((r) => r.result)).toEqual(['Ok', 'Dropped', ...malformed.map(() => 'ProcessingFailed')]);
  });

  it('sends malformed input to the error output as it came in, so the error prefix shows what was wrong', async () => {
    // Prepare
    const { handler } = await load();
    const event = firehoseEvent(malformed, NOW);

    // Act
    const response = await handler(event);

    // Assess
    expect(response.records).toEqual(event.records.map((r) => ({ recordId: r.recordId, result: 'ProcessingFailed', data: r.data })));
  });

  it('writes each record on its own newline-terminated line, so two guests\' records never merge into one row', async () => {
    // Prepare: two sessions, readings and a control record, interleaved as Firehose batches them from one shard.
    const { handler } = await load();
    const a = sessionKeys(5);
    const b = sessionKeys(6);
    const event = firehoseEvent(
      [reading(a.key, 1), reading(b.key, 1), control(a.key, 2, { end: true }), reading(b.key, 2)].map((r) => ({ data: encodeRecord(r) })),
      NOW,
    );

    // Act
    const object = concatenatedOk(await handler(event));

    // Assess
    const lines = object.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line) as { viewId: string; seq: number })).toEqual([
      expect.objectContaining({ viewId: a.viewId, seq: 1 }),
      expect.objectContaining({ viewId: b.viewId, seq: 1 }),
      { v: 1, viewId: a.viewId, seq: 2, t: NOW - 1000, end: true },
      expect.objectContaining({ viewId: b.viewId, seq: 2 }),
    ]);
  });

  it('gives a session the same view id across invocations of one warm container', async () => {
    // Prepare
    const { handler } = await load();
    const { key, viewId } = sessionKeys(9);

    // Act
    const first = await handler(firehoseEvent([{ data: encodeRecord(reading(key, 1)) }], NOW));
    const second = await handler(firehoseEvent([{ data: encodeRecord(reading(key, 2)) }], NOW));

    // Assess
    expect([concatenatedOk(first), concatenatedOk(second)].map((line) => (JSON.parse(line) as { viewId: string }).viewId)).toEqual([viewId, viewId]);
  });

  it('logs one JSON line of counts per invocation, with no key, view id or reading in it', async () => {
    // Prepare
    const { handler } = await load();
    const { key, viewId } = sessionKeys(12);
    const event = firehoseEvent([{ data: encodeRecord(reading(key, 1)) }, ...malformed], NOW);

    // Act
    await handler(event);

    // Assess
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0] as string)).toMatchObject({ level: 'info', message: 'archive transform', records: event.records.length, ok: 1 });
    for (const secret of [key, viewId, ...spellingsOf(key)]) expect(logged[0]).not.toContain(secret);
  });

  it('for any batch of producer records: no write key, raw or base64, in any Ok output', async () => {
    const { handler } = await load();
    await fc.assert(
      fc.asyncProperty(fc.array(producerRecord(NOW), { minLength: 1, maxLength: 20 }), async (records) => {
        // Prepare
        const event = firehoseEvent(
          records.map((record) => ({ data: encodeRecord(record) })),
          NOW,
        );

        // Act
        const response = await handler(event);

        // Assess
        const ok = response.records.filter((r) => r.result === 'Ok');
        expect(ok).toHaveLength(records.length);
        const object = concatenatedOk(response);
        const encoded = ok.map((r) => r.data).join('');
        for (const { key } of records) {
          for (const spelling of spellingsOf(key)) {
            expect(object).not.toContain(spelling);
            expect(encoded).not.toContain(spelling);
          }
          expect(object).toContain(deriveViewId(key));
        }
      }),
      { numRuns: 100 },
    );
  });
});
