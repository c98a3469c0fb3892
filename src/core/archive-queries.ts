// The named queries over the archive (docs/queries.md): one SQL text each, run by Athena (engine v3, Trino) as
// saved queries of the workgroup and by DuckDB in `npm run query`. The text is written in what both dialects
// share; the two Trino functions DuckDB lacks (from_unixtime, approx_percentile) are defined as DuckDB macros
// with Trino's meaning by the embedded runner, never spelled differently here.
//
// Columns are ARCHIVE_COLUMNS (src/core/archive-layout.ts) plus the integer partition keys of the ARRIVAL hour.
// Parameters are positional `?` (Athena parameterized queries, DuckDB prepared statements), in `params` order.
import { DEFAULT_MAX_GAP_MS, ZONE_LOWER_PERCENTS } from './zones.ts';

export type QueryParamKind = 'viewId' | 'day' | 'integer';

export interface QueryParam {
  /** The CLI flag without dashes, e.g. "view" for `--view`. */
  name: string;
  /** viewId: a share-link id; day: a UTC arrival day as the integer yyyymmdd; integer: a whole number. */
  kind: QueryParamKind;
}

export interface NamedQuerySpec {
  /** The saved query's name in the Athena console. */
  name: string;
  /** Kebab-case name for `npm run query -- <id>`. */
  id: string;
  description: string;
  /** One entry per `?` in the SQL, in order. */
  params: readonly QueryParam[];
  /** Builds the SQL for a table, e.g. "db"."readings" in Athena or readings in DuckDB. */
  sql: (table: string) => string;
}

const VIEW: QueryParam = { name: 'view', kind: 'viewId' };
const FROM: QueryParam = { name: 'from', kind: 'day' };
const TO: QueryParam = { name: 'to', kind: 'day' };
const MAX_HR: QueryParam = { name: 'max-hr', kind: 'integer' };

/**
 * Arrival days, first and last, as yyyymmdd integers. Athena's partition projection enumerates the partitions
 * and keeps those the predicate accepts; DuckDB does not prune on this expression (measured, BENCHMARKS.md),
 * so the embedded runner reads only the day folders in the range and this filter then holds trivially.
 */
const ARRIVAL_DAYS = 'year * 10000 + month * 100 + day BETWEEN ? AND ?';

const DAY_PARAMS_TEXT = "'from', 'to' (UTC arrival days as yyyymmdd, e.g. 20261130; widen 'to' for readings sent late from the outbox)";

// At-least-once delivery (docs/architecture.md): one row per (viewid, seq) before anything is counted. Control
// records (end, expiry) carry no bpm and are not readings.
const distinctReadings = (table: string): string => `
  SELECT viewid, seq, min(t) AS t, min(bpm) AS bpm
  FROM ${table}
  WHERE ${ARRIVAL_DAYS}
    AND v = 1 AND bpm IS NOT NULL
  GROUP BY viewid, seq`;

// The same for one session (viewid = ?): grouping by seq alone halves DuckDB's time on a month (BENCHMARKS.md).
const sessionReadings = (table: string): string => `
  SELECT seq, min(t) AS t, min(bpm) AS bpm
  FROM ${table}
  WHERE viewid = ?
    AND ${ARRIVAL_DAYS}
    AND v = 1 AND bpm IS NOT NULL
  GROUP BY seq`;

/** A reading's own time t (epoch ms) as a UTC timestamp: Trino's from_unixtime takes seconds. */
const readingTime = (column: string): string => `from_unixtime(${column} / 1000e0)`;

export const SESSION_SUMMARY: NamedQuerySpec = {
  name: 'liveheartrate - session summary',
  id: 'session-summary',
  description: `One session by its view id (the id in a share link). Parameters: 'view' (the view id), ${DAY_PARAMS_TEXT}.`,
  params: [VIEW, FROM, TO],
  sql: (table) => `-- liveheartrate: one session's summary, by view id
WITH readings AS (${sessionReadings(table)}
)
SELECT
  count(*) AS readings,
  ${readingTime('min(t)')} AS first_reading_utc,
  ${readingTime('max(t)')} AS last_reading_utc,
  round((max(t) - min(t)) / 60000e0, 1) AS duration_minutes,
  min(bpm) AS min_bpm,
  round(avg(bpm), 1) AS avg_bpm,
  approx_percentile(bpm, 0.5) AS median_bpm,
  max(bpm) AS max_bpm
FROM readings`,
};

export const DAILY_STATISTICS: NamedQuerySpec = {
  name: 'liveheartrate - daily statistics',
  id: 'daily-statistics',
  description: `Sessions, readings and heart rate per UTC day of the readings' own time. Parameters: ${DAY_PARAMS_TEXT}.`,
  params: [FROM, TO],
  sql: (table) => `-- liveheartrate: statistics per day of reading (UTC)
WITH readings AS (${distinctReadings(table)}
)
SELECT
  CAST(${readingTime('t')} AS date) AS reading_day_utc,
  count(DISTINCT viewid) AS sessions,
  count(*) AS readings,
  min(bpm) AS min_bpm,
  round(avg(bpm), 1) AS avg_bpm,
  max(bpm) AS max_bpm
FROM readings
GROUP BY 1
ORDER BY 1`,
};

// Same rules as src/core/zones.ts: zone by percent of max HR in integer arithmetic, each interval credited to
// the earlier reading and capped so a disconnect does not count as time in zone.
const zoneCase = ZONE_LOWER_PERCENTS.map((percent, index) => ({ zone: index + 1, percent }))
  .reverse()
  .map(({ zone, percent }) => `    WHEN bpm * 100 >= max_hr * ${percent} THEN ${zone}`)
  .join('\n');

export const TIME_IN_ZONES: NamedQuerySpec = {
  name: 'liveheartrate - time in heart-rate zones',
  id: 'time-in-zones',
  description:
    `Minutes per zone (percent of max HR: ${ZONE_LOWER_PERCENTS.join('/')}; 0 is below zone 1) for one session. ` +
    `Parameters: 'view' (the view id), ${DAY_PARAMS_TEXT}, 'max-hr' (beats per minute).`,
  params: [VIEW, FROM, TO, MAX_HR],
  sql: (table) => `-- liveheartrate: time in heart-rate zones for one session
WITH readings AS (${sessionReadings(table)}
),
intervals AS (
  SELECT bpm, lead(t) OVER (ORDER BY t, seq) - t AS gap_ms
  FROM readings
),
zoned AS (
  SELECT
    CASE
${zoneCase}
    ELSE 0
    END AS zone,
    least(gap_ms, ${DEFAULT_MAX_GAP_MS}) AS ms
  FROM intervals CROSS JOIN (SELECT CAST(? AS integer) AS max_hr) AS params
  WHERE gap_ms > 0 AND bpm > 0
)
SELECT zone, round(sum(ms) / 60000e0, 1) AS minutes, round(100e0 * sum(ms) / sum(sum(ms)) OVER (), 1) AS percent
FROM zoned
GROUP BY zone
ORDER BY zone`,
};

export const SESSION_LIST: NamedQuerySpec = {
  name: 'liveheartrate - sessions',
  id: 'sessions',
  description: `Every session with readings that arrived in the days, oldest first. Parameters: ${DAY_PARAMS_TEXT}.`,
  params: [FROM, TO],
  sql: (table) => `-- liveheartrate: the sessions in a range of days
WITH readings AS (${distinctReadings(table)}
)
SELECT
  viewid AS view_id,
  ${readingTime('min(t)')} AS first_reading_utc,
  ${readingTime('max(t)')} AS last_reading_utc,
  count(*) AS readings,
  round(avg(bpm), 1) AS avg_bpm,
  max(bpm) AS max_bpm
FROM readings
GROUP BY viewid
ORDER BY 2, 1`,
};

export const NAMED_QUERIES: readonly NamedQuerySpec[] = [SESSION_SUMMARY, DAILY_STATISTICS, TIME_IN_ZONES, SESSION_LIST];
