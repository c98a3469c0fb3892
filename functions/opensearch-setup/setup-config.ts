// What the deploy-time setup resource applies to the domain, as plain data: the stack builds it at synthesis
// (infra/cdk/opensearch-setup/build-config.ts, so the template shows it and tests can read it) and the setup
// function (handler.ts here) applies it.

export interface IsmPolicySetup {
  /** The ISM policy document, the body of PUT _plugins/_ism/policies/{id}. */
  policy: Record<string, unknown>;
  /** Existing indices this policy should manage (new ones are picked up by the policy's ism_template). */
  indexPattern: string;
}

export interface OpenSearchSetupConfig {
  /** name → body of PUT _index_template/{name} */
  indexTemplates: Record<string, unknown>;
  /** policy id → policy */
  ismPolicies: Record<string, IsmPolicySetup>;
  /** OpenSearch Dashboards saved objects, NDJSON, imported with overwrite. */
  dashboardsNdjson: string;
}

/** Deletes whole daily indices a fixed number of days after they were created. */
export function retentionPolicy(indexPattern: string, days: number): IsmPolicySetup {
  return {
    indexPattern,
    policy: {
      policy: {
        description: `liveheartrate: delete ${indexPattern} indices ${days} days after creation`,
        default_state: 'live',
        states: [
          { name: 'live', actions: [], transitions: [{ state_name: 'delete', conditions: { min_index_age: `${days}d` } }] },
          { name: 'delete', actions: [{ delete: {} }], transitions: [] },
        ],
        ism_template: [{ index_patterns: [indexPattern], priority: 100 }],
      },
    },
  };
}
