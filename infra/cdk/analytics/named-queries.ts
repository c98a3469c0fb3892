// Saved Athena queries over the raw table, built from the same constants the app uses (view-id derivation,
// zone boundaries), so the SQL cannot drift from the code. None of them selects the write key.
//
// Parameters are positional (`?`, Athena parameterized queries); in the console, quote string values.
import { KEY_BYTES, VIEW_ID_DOMAIN } from '../../../src/core/session-key.ts';
import { DEFAULT_MAX_GAP_MS, ZONE_LOWER_PERCENTS } from '../../../src/core/zones.ts';

export interface NamedQuerySpec {
  name: string;
  description: string;
  /** Builds the SQL for a fully qualified table, e.g. "db"."readings". */
  sql: (table: string) => string;
}

/**
 * The view id (share-link id) of a row's write key, in Trino SQL: base64url of the first KEY_BYTES bytes of
 * SHA-256 over the domain-separated key, as src/core/session-key.ts deriveViewId. Trino's to_base64url pads
 * with "=", the app's encoding does not: the padding is removed.
 */
export const VIEW_ID_SQL = `replace(to_base64url(substr(sha256(to_utf8('${VIEW_ID_DOMAIN}' || key)), 1, ${KEY_BYTES})), '=')`;

// At-least-once delivery everywhere (docs/architecture.md): one row per (session, seq) before anything is counted.
const distinctReadings = (table: string, where: string, keyColumn: string): string => `
  SELECT ${keyColumn}seq, min(t) AS t, min(bpm) AS bpm
  FROM ${table}
  WHERE ${where}
    AND v = 1 AND bpm IS NOT NULL
  GROUP BY ${keyColumn}seq`;

export const SESSION_SUMMARY: NamedQuerySpec = {
  name: 'liveheartrate - session summary',
  description:
    "One session by its view id (the id in a share link). Parameters: 'viewId', 'first day', 'last day' " +
    "(YYYY-MM-DD, UTC arrival days; widen by a day for readings sent late from the outbox).",
  sql: (table) => `-- liveheartrate: one session's summary, by view id
WITH readings AS (${distinctReadings(table, `${VIEW_ID_SQL} = ?\n    AND dt BETWEEN ? AND ?`, '')}
)
SELECT
  count(*) AS readings,
  from_unixtime(min(t) / 1000e0) AS first_reading_utc,
  from_unixtime(max(t) / 1000e0) AS last_reading_utc,
  round((max(t) - min(t)) / 60000e0, 1) AS duration_minutes,
  min(bpm) AS min_bpm,
  round(avg(bpm), 1) AS avg_bpm,
  approx_percentile(bpm, 0.5) AS median_bpm,
  max(bpm) AS max_bpm
FROM readings`,
};

export const DAILY_STATISTICS: NamedQuerySpec = {
  name: 'liveheartrate - daily statistics',
  description: "Sessions, readings and heart rate per UTC day of reading. Parameters: 'first day', 'last day' (YYYY-MM-DD arrival days).",
  sql: (table) => `-- liveheartrate: statistics per day of reading (UTC)
WITH readings AS (${distinctReadings(table, 'dt BETWEEN ? AND ?', 'key, ')}
)
SELECT
  date(from_unixtime(t / 1000e0)) AS reading_day_utc,
  count(DISTINCT key) AS sessions,
  count(*) AS readings,
  min(bpm) AS min_bpm,
  round(avg(bpm), 1) AS avg_bpm,
  max(bpm) AS max_bpm
FROM readings
GROUP BY 1
ORDER BY 1`,
};

// Same rules as src/core/zones.ts timeInZones: zone by percent of max HR with integer arithmetic, each
// interval belongs to the earlier reading and is capped so a disconnect does not count as time in zone.
const zoneCase = ZONE_LOWER_PERCENTS.map((percent, index) => ({ zone: index + 1, percent }))
  .reverse()
  .map(({ zone, percent }) => `    WHEN bpm * 100 >= max_hr * ${percent} THEN ${zone}`)
  .join('\n');

export const TIME_IN_ZONES: NamedQuerySpec = {
  name: 'liveheartrate - time in heart-rate zones',
  description:
    "Minutes per zone (percent of max HR: " +
    ZONE_LOWER_PERCENTS.join('/') +
    ") for one session. Parameters: max HR (a number), 'viewId', 'first day', 'last day' (YYYY-MM-DD arrival days).",
  sql: (table) => `-- liveheartrate: time in heart-rate zones for one session
WITH params AS (SELECT CAST(? AS integer) AS max_hr),
readings AS (${distinctReadings(table, `${VIEW_ID_SQL} = ?\n    AND dt BETWEEN ? AND ?`, '')}
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
  FROM intervals CROSS JOIN params
  WHERE gap_ms > 0
)
SELECT zone, round(sum(ms) / 60000e0, 1) AS minutes, round(100e0 * sum(ms) / sum(sum(ms)) OVER (), 1) AS percent
FROM zoned
GROUP BY zone
ORDER BY zone`,
};

export const NAMED_QUERIES: readonly NamedQuerySpec[] = [SESSION_SUMMARY, DAILY_STATISTICS, TIME_IN_ZONES];
