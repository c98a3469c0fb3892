import { describe, expect, it } from 'vitest';
import { decodeRecord, encodeRecord } from '../../../src/core/record.ts';
import {
  UPLINK_STORAGE,
  classifyFailedEntries,
  classifyUplinkFailure,
  isStorageShort,
  readingToUplinkRecord,
  splitPutRecordsResult,
  storageHeadroomHours,
} from '../../../src/core/uplink-rules.ts';

const KEY = 'AAAAAAAAAAAAAAAAAAAAAA';
const T = Date.UTC(2026, 10, 28, 12, 0, 0);

describe('readingToUplinkRecord', () => {
  it('keeps an ordinary reading exactly as readingToRecord makes it', () => {
    // Prepare
    const reading = { bpm: 72, contact: 'detected' as const, rrMs: [830, 0, 812], energyKj: 12 };

    // Act
    const record = readingToUplinkRecord(reading, KEY, 7, T);

    // Assess
    expect(record).toEqual({ v: 1, key: KEY, seq: 7, t: T, bpm: 72, rr: [830, 812], contact: true, kj: 12 });
  });

  it.each(['detected', 'not-detected', 'unsupported'] as const)(
    'turns a 0 bpm with contact %s into a contact gap the consumer recognises',
    (contact) => {
      // Prepare
      const reading = { bpm: 0, contact, rrMs: [] };

      // Act
      const decoded = decodeRecord(encodeRecord(readingToUplinkRecord(reading, KEY, 3, T)), T);

      // Assess
      expect(decoded).toMatchObject({ ok: false, reason: 'contact-gap' });
    },
  );
});

describe('splitPutRecordsResult', () => {
  it('acknowledges entries with a sequence number and fails those with an error code', () => {
    // Prepare
    const results = [
      { SequenceNumber: '1', ShardId: 's' },
      { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'slow down' },
      { SequenceNumber: '2', ShardId: 's' },
      { ErrorCode: 'InternalFailure' },
    ];

    // Act
    const split = splitPutRecordsResult(4, results);

    // Assess
    expect(split).toEqual({
      acked: [0, 2],
      failed: [
        { index: 1, code: 'ProvisionedThroughputExceededException' },
        { index: 3, code: 'InternalFailure' },
      ],
    });
  });

  it('never acknowledges an entry the answer says nothing about', () => {
    // Prepare: a short answer, an empty entry, and an entry with both fields set.
    const results = [{ SequenceNumber: '1' }, {}, { SequenceNumber: '3', ErrorCode: 'InternalFailure' }];

    // Act
    const split = splitPutRecordsResult(4, results);

    // Assess
    expect(split.acked).toEqual([0]);
    expect(split.failed.map((f) => f.index)).toEqual([1, 2, 3]);
    expect(splitPutRecordsResult(2, undefined).failed).toEqual([
      { index: 0, code: 'Missing' },
      { index: 1, code: 'Missing' },
    ]);
  });
});

describe('classifyUplinkFailure', () => {
  it.each([
    [{ name: 'ProvisionedThroughputExceededException', httpStatus: 400 }, 'throttled'],
    [{ name: 'ProvisionedThroughputExceededException' }, 'throttled'],
    [{ name: 'SomethingElse', httpStatus: 429 }, 'throttled'],
    [{ name: 'InternalFailure', httpStatus: 500 }, 'server'],
    [{ name: 'InternalFailure' }, 'server'],
    [{ name: 'Unknown', httpStatus: 503 }, 'server'],
    [{ name: 'BadGateway', httpStatus: 502 }, 'network'],
    [{ name: 'GatewayTimeout', httpStatus: 504 }, 'network'],
    [{ name: 'InternalFailure', httpStatus: 502 }, 'server'],
    [{ name: 'ExpiredTokenException', httpStatus: 400 }, 'credentials'],
    [{ name: 'Whatever', httpStatus: 403 }, 'credentials'],
    [{ name: 'TypeError' }, 'network'],
    [{}, 'network'],
    [{ name: 'ResourceNotFoundException', httpStatus: 400 }, 'rejected'],
  ] as const)('%o is %s', (failure, kind) => {
    // Act / Assess
    expect(classifyUplinkFailure(failure)).toBe(kind);
  });
});

describe('classifyFailedEntries', () => {
  it.each([
    [['InternalFailure', 'ProvisionedThroughputExceededException'], 'throttled'],
    [['AccessDeniedException', 'InternalFailure'], 'server'],
    [['AccessDeniedException', 'KMSInvalidStateException'], 'credentials'],
    [['Missing'], 'rejected'],
    [[], 'server'],
  ] as const)('%o is %s', (codes, kind) => {
    // Act / Assess
    expect(classifyFailedEntries(codes)).toBe(kind);
  });
});

describe('storage headroom', () => {
  const hourBytes = UPLINK_STORAGE.bytesPerQueuedReading * UPLINK_STORAGE.readingsPerHour;

  it('counts the hours of readings that still fit', () => {
    // Prepare
    const estimate = { usage: hourBytes, quota: 11 * hourBytes };

    // Act / Assess
    expect(storageHeadroomHours(estimate)).toBe(10);
    expect(isStorageShort(estimate)).toBe(false);
  });

  it('is short below the threshold, and at a full quota', () => {
    // Prepare
    const nearlyFull = { usage: 0, quota: (UPLINK_STORAGE.shortBelowHours - 0.5) * hourBytes };

    // Act / Assess
    expect(isStorageShort(nearlyFull)).toBe(true);
    expect(isStorageShort({ usage: 2 * hourBytes, quota: hourBytes })).toBe(true);
    expect(storageHeadroomHours({ usage: 2 * hourBytes, quota: hourBytes })).toBe(0);
  });

  it('says nothing when the browser gives no estimate', () => {
    // Act / Assess
    expect(storageHeadroomHours({})).toBeNull();
    expect(storageHeadroomHours({ usage: 1, quota: 0 })).toBeNull();
    expect(isStorageShort({})).toBe(false);
  });
});
