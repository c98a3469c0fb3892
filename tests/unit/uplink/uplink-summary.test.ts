import { describe, expect, it } from 'vitest';
import { LIVE_BACKLOG, storageWarnings, summarizeUplink } from '../../../src/lib/uplink/uplink-summary.ts';
import type { UplinkStatus } from '../../../src/lib/uplink/uplink-status.ts';

const base: UplinkStatus = {
  phase: 'idle',
  retry: null,
  waiting: 0,
  stored: 0,
  unsaved: 0,
  lastAck: null,
  session: null,
  broadcasting: true,
  storage: { persisted: true, headroomHours: 100, short: false, writeError: null },
  alerts: null,
};

const status = (change: Partial<UplinkStatus>): UplinkStatus => ({ ...base, ...change });

describe('summarizeUplink', () => {
  it('says so when the person stopped broadcasting and nothing waits', () => {
    expect(summarizeUplink(status({ broadcasting: false }))).toEqual({ tone: 'quiet', headline: 'Not broadcasting' });
    expect(summarizeUplink(status({ broadcasting: false, waiting: 3, session: null })).headline).toBe('All readings sent');
  });

  it('says all is sent while a live session sends reading by reading, without flickering to "sending"', () => {
    // Prepare
    const live = { session: { viewId: 'v', startedAt: 1, exp: null }, lastAck: { at: 2, readingAt: 2 } };

    // Act
    const between = summarizeUplink(status({ ...live, phase: 'idle', waiting: 0 }));
    const during = summarizeUplink(status({ ...live, phase: 'sending', waiting: 1 }));

    // Assess
    expect(during).toEqual(between);
    expect(between).toEqual({ tone: 'ok', headline: 'All readings sent' });
  });

  it('tells a backlog, offline and a retry with its reason apart', () => {
    // Act / Assess
    expect(summarizeUplink(status({ phase: 'sending', waiting: LIVE_BACKLOG + 1 })).headline).toBe('Sending waiting readings…');
    expect(summarizeUplink(status({ phase: 'offline', waiting: 3 })).headline).toMatch(/^Offline/);
    expect(summarizeUplink(status({ phase: 'retrying', retry: { reason: 'throttled', attempt: 2, failed: 0 } }))).toEqual({
      tone: 'warn',
      headline: 'Retrying: the stream is busy (throttled)',
    });
    expect(summarizeUplink(status({ phase: 'retrying', retry: { reason: 'credentials', attempt: 1, failed: 0 } })).tone).toBe('bad');
    expect(summarizeUplink(status({})).headline).toBe('Nothing to send yet');
  });
});

describe('storageWarnings', () => {
  it('warns about a failed write, with what is held only in memory', () => {
    // Act
    const warnings = storageWarnings(status({ unsaved: 3, storage: { ...base.storage, writeError: 'Out of space.' } }));

    // Assess
    expect(warnings).toEqual([{ tone: 'bad', text: 'Out of space. 3 readings are held in memory only: keep this tab open.' }]);
  });

  it('warns about short storage, and about eviction only while a backlog waits', () => {
    // Prepare
    const short = { ...base.storage, short: true, headroomHours: 2.5 };
    const evictable = { ...base.storage, persisted: false };

    // Act / Assess
    expect(storageWarnings(status({ storage: short }))).toEqual([
      { tone: 'warn', text: 'Storage is nearly full: room for 2 hours of readings while offline.' },
    ]);
    expect(storageWarnings(status({ storage: evictable, waiting: 1 }))).toEqual([]);
    expect(storageWarnings(status({ storage: evictable, waiting: 100 }))).toHaveLength(1);
    expect(storageWarnings(status({}))).toEqual([]);
  });
});
