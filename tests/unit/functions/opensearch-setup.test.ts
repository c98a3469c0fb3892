// The deploy-time setup against a recording stand-in for the domain: what it sends, in which order, and how
// it treats the answers a real domain gives (existing policies, no indices yet, a domain still starting), and
// when one pass of the Provider's completion check is complete, not yet complete, or failed.
import { describe, expect, it } from 'vitest';
import { applySetup, SetupError, type DomainRequest, type DomainResponse } from '../../../functions/opensearch-setup/apply-setup.ts';
import { checkSetup } from '../../../functions/opensearch-setup/check-setup.ts';
import { retentionPolicy, type OpenSearchSetupConfig } from '../../../functions/opensearch-setup/setup-config.ts';

type Responder = (request: DomainRequest) => DomainResponse | undefined;

function standIn(...responders: Responder[]) {
  const requests: DomainRequest[] = [];
  const http = async (request: DomainRequest): Promise<DomainResponse> => {
    requests.push(request);
    for (const respond of responders) {
      const answer = respond(request);
      if (answer !== undefined) return answer;
    }
    if (request.path.startsWith('/_dashboards/')) return { status: 200, body: JSON.stringify({ success: true, successCount: 3 }) };
    if (request.method === 'GET') return { status: 404, body: '{"error":"not found"}' };
    return { status: 200, body: '{"acknowledged":true}' };
  };
  return { http, requests, calls: () => requests.map((r) => `${r.method} ${r.path}${r.query ? `?${new URLSearchParams(r.query)}` : ''}`) };
}

const CONFIG: OpenSearchSetupConfig = {
  indexTemplates: { 'hr-readings': { index_patterns: ['hr-readings-*'] }, 'hr-sessions': { index_patterns: ['hr-sessions'] } },
  ismPolicies: { retention: retentionPolicy('hr-readings-*', 7) },
  dashboardsNdjson: '{"type":"index-pattern","id":"a"}\n',
};

describe('applySetup', () => {
  it('puts templates, creates the policy, attaches it to existing indices, then imports Dashboards objects', async () => {
    const domain = standIn();
    await applySetup(domain.http, CONFIG, { boundary: 'B' });
    expect(domain.calls()).toEqual([
      'PUT /_index_template/hr-readings',
      'PUT /_index_template/hr-sessions',
      'GET /_plugins/_ism/policies/retention',
      'PUT /_plugins/_ism/policies/retention',
      'POST /_plugins/_ism/add/hr-readings-*',
      'POST /_plugins/_ism/change_policy/hr-readings-*',
      'POST /_dashboards/api/saved_objects/_import?overwrite=true',
    ]);
    expect(JSON.parse(domain.requests[0]?.body ?? '')).toEqual({ index_patterns: ['hr-readings-*'] });
    expect(JSON.parse(domain.requests[4]?.body ?? '')).toEqual({ policy_id: 'retention' });
  });

  it('puts the mapping of a template for one named index on that index too, where it already exists', async () => {
    // Prepare
    const mappings = { dynamic: 'strict', properties: { tokens: { type: 'double' } } };
    const config = { ...CONFIG, indexTemplates: { ...CONFIG.indexTemplates, 'hr-sessions': { index_patterns: ['hr-sessions'], template: { mappings } } } };
    const missing = standIn((r) => (r.path === '/hr-sessions/_mapping' ? { status: 404, body: '{"error":"index_not_found_exception"}' } : undefined));
    const existing = standIn();

    // Act
    await applySetup(missing.http, config, { boundary: 'B' });
    await applySetup(existing.http, config, { boundary: 'B' });

    // Assess
    expect(existing.calls().slice(0, 3)).toEqual(['PUT /_index_template/hr-readings', 'PUT /_index_template/hr-sessions', 'PUT /hr-sessions/_mapping']);
    expect(JSON.parse(existing.requests[2]?.body ?? '')).toEqual(mappings);
    expect(missing.calls()).toContain('POST /_dashboards/api/saved_objects/_import?overwrite=true');
  });

  it('sends the saved objects as a multipart file with the Dashboards CSRF header', async () => {
    const domain = standIn();
    await applySetup(domain.http, CONFIG, { boundary: 'B' });
    const upload = domain.requests.at(-1);
    expect(upload?.headers).toEqual({ 'content-type': 'multipart/form-data; boundary=B', 'osd-xsrf': 'true' });
    expect(upload?.body).toBe(
      '--B\r\nContent-Disposition: form-data; name="file"; filename="liveheartrate.ndjson"\r\nContent-Type: application/ndjson\r\n\r\n' +
        '{"type":"index-pattern","id":"a"}\n\r\n--B--\r\n',
    );
  });

  it('updates an existing policy with the version it replaces', async () => {
    const domain = standIn((r) =>
      r.method === 'GET' && r.path === '/_plugins/_ism/policies/retention' ? { status: 200, body: JSON.stringify({ _id: 'retention', _seq_no: 7, _primary_term: 2 }) } : undefined,
    );
    await applySetup(domain.http, CONFIG, { boundary: 'B' });
    expect(domain.calls()).toContain('PUT /_plugins/_ism/policies/retention?if_seq_no=7&if_primary_term=2');
  });

  it('is not bothered that no reading index exists yet', async () => {
    const domain = standIn((r) => (r.path.startsWith('/_plugins/_ism/add/') || r.path.startsWith('/_plugins/_ism/change_policy/') ? { status: 404, body: '{}' } : undefined));
    await expect(applySetup(domain.http, CONFIG, { boundary: 'B' })).resolves.toEqual({ dashboards: 'imported 3 saved objects' });
  });

  it('fails the deployment when a template is refused, saying which call and why', async () => {
    const domain = standIn((r) => (r.path === '/_index_template/hr-sessions' ? { status: 400, body: '{"error":"mapper_parsing_exception"}' } : undefined));
    await expect(applySetup(domain.http, CONFIG)).rejects.toThrow(new SetupError('PUT /_index_template/hr-sessions answered 400: {"error":"mapper_parsing_exception"}'));
  });

  it('reports how many saved objects Dashboards imported', async () => {
    const domain = standIn();
    await expect(applySetup(domain.http, CONFIG)).resolves.toEqual({ dashboards: 'imported 3 saved objects' });
  });

  it('reports a refused Dashboards import without failing the deployment', async () => {
    const refused = standIn((r) =>
      r.path.startsWith('/_dashboards/') ? { status: 200, body: JSON.stringify({ success: false, errors: [{ id: 'a', error: { type: 'conflict' } }] }) } : undefined,
    );
    expect((await applySetup(refused.http, CONFIG)).dashboards).toMatch(/^NOT imported: Dashboards import failed: .*conflict/);
    const unavailable = standIn((r) => (r.path.startsWith('/_dashboards/') ? { status: 404, body: 'Not Found' } : undefined));
    expect((await applySetup(unavailable.http, CONFIG)).dashboards).toMatch(/^NOT imported: POST \/_dashboards\/api\/saved_objects\/_import answered 404/);
  });
});

describe('checkSetup', () => {
  const MINUTE = 60_000;
  const TIMING = { startedAtMs: 0, deadlineMs: 25 * MINUTE, dashboardsWaitMs: 15 * MINUTE };
  const at = (ms: number) => () => ms;
  const forbiddenWhile = (stillForbidden: () => boolean): Responder => () =>
    stillForbidden() ? { status: 403, body: '{"Message":"User: anonymous is not authorized"}' } : undefined;

  it('is not complete while the access policy answers 403, then completes once it answers', async () => {
    // Prepare: the first two passes meet a policy still spreading.
    let passes = 0;
    const domain = standIn(forbiddenWhile(() => passes < 2));

    // Act
    const results = [];
    for (; passes < 3; passes++) results.push(await checkSetup(domain.http, CONFIG, TIMING, at(passes * MINUTE), { boundary: 'B' }));

    // Assess
    expect(results).toEqual([
      { complete: false, waitingFor: 'PUT /_index_template/hr-readings answered 403: {"Message":"User: anonymous is not authorized"}' },
      { complete: false, waitingFor: expect.stringMatching(/^PUT \/_index_template\/hr-readings answered 403/) },
      { complete: true, dashboards: 'imported 3 saved objects' },
    ]);
    // Each pass stops at the first answer that is not ready: no request is retried inside a pass.
    expect(domain.calls().filter((c) => c === 'PUT /_index_template/hr-readings')).toHaveLength(3);
  });

  it('treats throttling, server errors and no answer at all as not ready', async () => {
    for (const answer of [{ status: 429, body: '' }, { status: 503, body: '' }, new Error('ECONNRESET')]) {
      // Prepare
      const domain = standIn((r) => {
        if (r.path !== '/_plugins/_ism/policies/retention') return undefined;
        if (answer instanceof Error) throw answer;
        return answer;
      });

      // Act
      const progress = await checkSetup(domain.http, CONFIG, TIMING, at(MINUTE));

      // Assess
      expect(progress.complete).toBe(false);
    }
  });

  it('fails at once on a refusal that will not change, saying which call and why', async () => {
    // Prepare
    const domain = standIn((r) => (r.path === '/_index_template/hr-sessions' ? { status: 400, body: '{"error":"mapper_parsing_exception"}' } : undefined));

    // Act
    const check = checkSetup(domain.http, CONFIG, TIMING, at(MINUTE));

    // Assess
    await expect(check).rejects.toThrow(new SetupError('PUT /_index_template/hr-sessions answered 400: {"error":"mapper_parsing_exception"}'));
  });

  it('fails with what the domain last answered once the overall deadline has passed', async () => {
    // Prepare
    const domain = standIn(forbiddenWhile(() => true));
    expect(await checkSetup(domain.http, CONFIG, TIMING, at(25 * MINUTE - 1))).toMatchObject({ complete: false });

    // Act
    const check = checkSetup(domain.http, CONFIG, TIMING, at(25 * MINUTE));

    // Assess
    await expect(check).rejects.toThrow(
      new SetupError('domain not ready after 25 min (deadline 25 min): PUT /_index_template/hr-readings answered 403: {"Message":"User: anonymous is not authorized"}'),
    );
  });

  it('waits for a Dashboards still starting, then reports it as not imported instead of failing', async () => {
    // Prepare
    const domain = standIn((r) => (r.path.startsWith('/_dashboards/') ? { status: 503, body: 'OpenSearch Dashboards server is not ready yet' } : undefined));

    // Act
    const early = await checkSetup(domain.http, CONFIG, TIMING, at(15 * MINUTE - 1));
    const late = await checkSetup(domain.http, CONFIG, TIMING, at(15 * MINUTE));

    // Assess
    expect(early).toEqual({ complete: false, waitingFor: 'POST /_dashboards/api/saved_objects/_import answered 503: OpenSearch Dashboards server is not ready yet' });
    expect(late).toEqual({ complete: true, dashboards: 'NOT imported: POST /_dashboards/api/saved_objects/_import answered 503: OpenSearch Dashboards server is not ready yet' });
  });
});
