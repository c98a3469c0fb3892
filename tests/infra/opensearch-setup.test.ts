// The setup resource's input as the stack builds it at synthesis, and the Dashboards file it ships.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INDEX_TEMPLATES, READINGS_INDEX_PATTERN } from '../../functions/store/opensearch-indices.ts';
import type { OpenSearchSetupConfig } from '../../functions/opensearch-setup/setup-config.ts';
import { buildSetupConfig, READINGS_RETENTION_POLICY_ID } from '../../infra/cdk/opensearch-setup/build-config.ts';
import { DASHBOARDS_NDJSON } from '../../infra/cdk/paths.ts';

describe('buildSetupConfig', () => {
  const config = (dataNodes: number, retentionDays = 7) => buildSetupConfig({ retentionDays, dataNodes, dashboardsNdjsonPath: DASHBOARDS_NDJSON });
  const replicasOf = (c: OpenSearchSetupConfig) =>
    Object.values(c.indexTemplates).map((t) => (t as { template: { settings: { index: { number_of_replicas: number } } } }).template.settings.index.number_of_replicas);

  it('applies the live store templates as they are, but with replicas the domain can hold', () => {
    expect(Object.keys(config(1).indexTemplates)).toEqual(Object.keys(INDEX_TEMPLATES));
    expect(replicasOf(config(1))).toEqual([0, 0]);
    expect(replicasOf(config(3))).toEqual([1, 1]);
    const readings = config(1).indexTemplates['hr-readings'] as typeof INDEX_TEMPLATES['hr-readings'];
    expect(readings.template.mappings).toBe(INDEX_TEMPLATES['hr-readings'].template.mappings);
    expect(readings.template.settings.index.refresh_interval).toBe('1s');
  });

  it('deletes reading indices after the configured number of days', () => {
    const policy = config(1, 30).ismPolicies[READINGS_RETENTION_POLICY_ID];
    expect(policy?.indexPattern).toBe(READINGS_INDEX_PATTERN);
    expect(policy?.policy).toEqual({
      policy: {
        description: `liveheartrate: delete ${READINGS_INDEX_PATTERN} indices 30 days after creation`,
        default_state: 'live',
        states: [
          { name: 'live', actions: [], transitions: [{ state_name: 'delete', conditions: { min_index_age: '30d' } }] },
          { name: 'delete', actions: [{ delete: {} }], transitions: [] },
        ],
        ism_template: [{ index_patterns: [READINGS_INDEX_PATTERN], priority: 100 }],
      },
    });
  });
});

describe('Dashboards saved objects (infra/cdk/dashboards/liveheartrate.ndjson)', () => {
  const objects = readFileSync(DASHBOARDS_NDJSON, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { id: string; type: string; attributes: Record<string, unknown>; references: Array<{ id: string; type: string }> });

  it('holds an index pattern, a visualization and a dashboard', () => {
    expect(objects.map((o) => o.type)).toEqual(['index-pattern', 'visualization', 'dashboard']);
  });

  it('points the index pattern at the live readings indices, by reading time', () => {
    const pattern = objects[0];
    expect(pattern?.attributes['title']).toBe(READINGS_INDEX_PATTERN);
    expect(pattern?.attributes['timeFieldName']).toBe('t');
  });

  it('declares only fields the readings mapping has, with matching types', () => {
    const mapping = INDEX_TEMPLATES['hr-readings'].template.mappings.properties as Record<string, { type: string }>;
    const fields = JSON.parse(String(objects[0]?.attributes['fields'])) as Array<{ name: string; esTypes?: string[] }>;
    for (const field of fields.filter((f) => !f.name.startsWith('_'))) {
      expect(mapping[field.name]?.type, field.name).toBe(field.esTypes?.[0]);
    }
  });

  it('charts bpm over t per view id, and never the write key', () => {
    const visState = JSON.parse(String(objects[1]?.attributes['visState'])) as { aggs: Array<{ params: { field?: string } }> };
    expect(visState.aggs.map((agg) => agg.params.field)).toEqual(['bpm', 't', 'viewId']);
    expect(readFileSync(DASHBOARDS_NDJSON, 'utf8')).not.toMatch(/"key"/);
  });

  it('resolves every reference inside the file', () => {
    const ids = new Set(objects.map((o) => `${o.type}:${o.id}`));
    for (const object of objects) for (const ref of object.references) expect(ids.has(`${ref.type}:${ref.id}`), `${object.id} → ${ref.id}`).toBe(true);
  });
});
