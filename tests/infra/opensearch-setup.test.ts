// The setup resource's input as the stack builds it at synthesis, and the Dashboards file it ships.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALERTS_INDEX_PATTERN, INDEX_TEMPLATES, READINGS_INDEX_PATTERN } from '../../functions/store/opensearch-indices.ts';
import type { OpenSearchSetupConfig } from '../../functions/opensearch-setup/setup-config.ts';
import { ALERTS_RETENTION_POLICY_ID, buildSetupConfig, READINGS_RETENTION_POLICY_ID } from '../../infra/cdk/opensearch-setup/build-config.ts';
import { DASHBOARDS_NDJSON } from '../../infra/cdk/paths.ts';

describe('buildSetupConfig', () => {
  const config = (dataNodes: number, retentionDays = 7) => buildSetupConfig({ retentionDays, dataNodes, dashboardsNdjsonPath: DASHBOARDS_NDJSON });
  const replicasOf = (c: OpenSearchSetupConfig) =>
    Object.values(c.indexTemplates).map((t) => (t as { template: { settings: { index: { number_of_replicas: number } } } }).template.settings.index.number_of_replicas);

  it('applies the live store templates as they are, but with replicas the domain can hold', () => {
    expect(Object.keys(config(1).indexTemplates)).toEqual(Object.keys(INDEX_TEMPLATES));
    expect(replicasOf(config(1))).toEqual([0, 0, 0]);
    expect(replicasOf(config(3))).toEqual([1, 1, 1]);
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

  it('deletes alert indices after the same number of days as the readings', () => {
    const { ismPolicies } = config(1, 30);
    const policy = ismPolicies[ALERTS_RETENTION_POLICY_ID];
    expect(Object.keys(ismPolicies)).toEqual([READINGS_RETENTION_POLICY_ID, ALERTS_RETENTION_POLICY_ID]);
    expect(policy?.indexPattern).toBe(ALERTS_INDEX_PATTERN);
    expect(JSON.stringify(policy?.policy)).toBe(JSON.stringify(ismPolicies[READINGS_RETENTION_POLICY_ID]?.policy).replaceAll(READINGS_INDEX_PATTERN, ALERTS_INDEX_PATTERN));
  });
});

describe('Dashboards saved objects (infra/cdk/dashboards/liveheartrate.ndjson)', () => {
  const objects = readFileSync(DASHBOARDS_NDJSON, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { id: string; type: string; attributes: Record<string, unknown>; references: Array<{ id: string; type: string }> });

  const byId = (id: string) => objects.find((o) => o.id === id);

  it('holds an index pattern and a visualization each for readings and alerts, and one dashboard showing both', () => {
    expect(objects.map((o) => `${o.type}:${o.id}`)).toEqual([
      'index-pattern:liveheartrate-readings',
      'visualization:liveheartrate-live-bpm',
      'index-pattern:liveheartrate-alerts',
      'visualization:liveheartrate-alerts-fired',
      'dashboard:liveheartrate-dashboard',
    ]);
    expect(byId('liveheartrate-dashboard')?.references.map((ref) => ref.id)).toEqual(['liveheartrate-live-bpm', 'liveheartrate-alerts-fired']);
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

  it('points the alerts index pattern at the alerts indices, by event time, with only fields their mapping has', () => {
    const pattern = byId('liveheartrate-alerts');
    const mapping = INDEX_TEMPLATES['hr-alerts'].template.mappings.properties as Record<string, { type: string }>;
    const fields = JSON.parse(String(pattern?.attributes['fields'])) as Array<{ name: string; esTypes?: string[] }>;
    expect(pattern?.attributes['title']).toBe(ALERTS_INDEX_PATTERN);
    expect(pattern?.attributes['timeFieldName']).toBe('at');
    expect(fields.filter((f) => !f.name.startsWith('_')).map((f) => f.name).sort()).toEqual(Object.keys(mapping).sort());
    for (const field of fields.filter((f) => !f.name.startsWith('_'))) expect(mapping[field.name]?.type, field.name).toBe(field.esTypes?.[0]);
  });

  it('charts the count of fired alerts over their time per rule kind', () => {
    const vis = byId('liveheartrate-alerts-fired');
    const visState = JSON.parse(String(vis?.attributes['visState'])) as { type: string; aggs: Array<{ type: string; params: { field?: string } }> };
    const search = JSON.parse(String((vis?.attributes['kibanaSavedObjectMeta'] as { searchSourceJSON: string }).searchSourceJSON)) as { query: { query: string } };
    expect(visState.aggs.map((agg) => `${agg.type}:${agg.params.field ?? ''}`)).toEqual(['count:', 'date_histogram:at', 'terms:kind']);
    expect(search.query.query).toBe('type:fired');
    expect(vis?.references).toEqual([{ id: 'liveheartrate-alerts', name: 'kibanaSavedObjectMeta.searchSourceJSON.index', type: 'index-pattern' }]);
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
