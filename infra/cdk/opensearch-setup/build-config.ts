// The setup resource's input, assembled at synthesis from the live store's own index definitions
// (functions/store/opensearch-indices.ts), the retention chosen at deploy time and the Dashboards file.
import { readFileSync } from 'node:fs';
import { ALERTS_INDEX_PATTERN, INDEX_TEMPLATES, READINGS_INDEX_PATTERN } from '../../../functions/store/opensearch-indices.ts';
import { retentionPolicy, type OpenSearchSetupConfig } from '../../../functions/opensearch-setup/setup-config.ts';

export const READINGS_RETENTION_POLICY_ID = 'liveheartrate-readings-retention';
export const ALERTS_RETENTION_POLICY_ID = 'liveheartrate-alerts-retention';

export interface BuildSetupConfigOptions {
  retentionDays: number;
  /** Data nodes in the domain: a replica needs a second node to live on. */
  dataNodes: number;
  dashboardsNdjsonPath: string;
}

/** Replicas per shard: with one node a replica can never be assigned and the cluster would report yellow forever. */
export function replicasFor(dataNodes: number): number {
  return Math.min(1, dataNodes - 1);
}

export function buildSetupConfig(options: BuildSetupConfigOptions): OpenSearchSetupConfig {
  const replicas = replicasFor(options.dataNodes);
  const indexTemplates = Object.fromEntries(
    Object.entries(INDEX_TEMPLATES).map(([name, template]) => [
      name,
      {
        ...template,
        template: {
          ...template.template,
          settings: { index: { ...template.template.settings.index, number_of_replicas: replicas } },
        },
      },
    ]),
  );
  return {
    indexTemplates,
    // Alert events are kept as long as the readings they came from.
    ismPolicies: {
      [READINGS_RETENTION_POLICY_ID]: retentionPolicy(READINGS_INDEX_PATTERN, options.retentionDays),
      [ALERTS_RETENTION_POLICY_ID]: retentionPolicy(ALERTS_INDEX_PATTERN, options.retentionDays),
    },
    dashboardsNdjson: readFileSync(options.dashboardsNdjsonPath, 'utf8'),
  };
}
