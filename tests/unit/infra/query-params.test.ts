// `npm run query` flags to bound values: days as yyyymmdd integers for any real calendar day, nothing else.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SESSION_LIST, TIME_IN_ZONES } from '../../../src/core/archive-queries.ts';
import { dayRangeOf, namedQueryValues } from '../../../infra/local/query-params.ts';

const day = fc.date({ min: new Date(Date.UTC(1, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true });
const text = (d: Date): string => d.toISOString().slice(0, 10);

describe('namedQueryValues', () => {
  it('turns any calendar day YYYY-MM-DD into the integer yyyymmdd of the partition keys', () => {
    fc.assert(
      fc.property(day, day, (a, b) => {
        // Act
        const values = namedQueryValues(SESSION_LIST, { from: text(a), to: text(b) });

        // Assess
        const expected = (d: Date): number => d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
        expect(values).toEqual([expected(a), expected(b)]);
        expect(dayRangeOf(SESSION_LIST, values)).toEqual({ from: expected(a), to: expected(b) });
      }),
    );
  });

  it('binds in SQL order, with every day and the default max HR when flags are left out', () => {
    // Act
    const values = namedQueryValues(TIME_IN_ZONES, { view: 'abc_-9' });

    // Assess
    expect(values).toEqual(['abc_-9', 10101, 99991231, 190]);
  });

  it.each([
    [{ from: '2026-02-29' }, /--from "2026-02-29": expected a day as YYYY-MM-DD/],
    [{ from: '2026-1-05' }, /--from "2026-1-05"/],
    [{ to: '20261130' }, /--to "20261130"/],
    [{ view: "x' OR 1=1 --" }, /--view .*expected a view id/],
    [{ view: 'abc', 'max-hr': '-5' }, /--max-hr "-5": expected a whole number/],
  ])('rejects %j', (flags, message) => {
    // Act + Assess
    const spec = 'view' in flags ? TIME_IN_ZONES : SESSION_LIST;
    expect(() => namedQueryValues(spec, flags)).toThrow(message);
  });

  it('names the missing view id', () => {
    // Act + Assess
    expect(() => namedQueryValues(TIME_IN_ZONES, {})).toThrow('time-in-zones needs --view (the view id in a share link)');
  });
});
