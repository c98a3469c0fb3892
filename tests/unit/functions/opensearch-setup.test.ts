// The deploy-time setup against a recording stand-in for the domain: what it sends, in which order, and how
// it treats the answers a real domain gives (existing policies, no indices yet, a domain still starting).
import { describe, expect, it } from 'vitest';
import { applySetup, SetupError, type DomainRequest, type DomainResponse } from '../../../functions/opensearch-setup/apply-setup.ts';
import { retrying } from '../../../functions/opensearch-setup/retrying.ts';
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

describe('retrying', () => {
  const request: DomainRequest = { method: 'GET', path: '/' };

  it('retries throttling, server errors, a not-yet-applied access policy and network errors, then answers', async () => {
    const answers: Array<DomainResponse | Error> = [{ status: 503, body: '' }, { status: 429, body: '' }, { status: 403, body: '' }, new Error('ECONNRESET'), { status: 200, body: 'ok' }];
    const slept: number[] = [];
    const http = retrying(
      async () => {
        const next = answers.shift();
        if (next instanceof Error) throw next;
        return next as DomainResponse;
      },
      60_000,
      async (ms) => void slept.push(ms),
    );
    await expect(http(request)).resolves.toEqual({ status: 200, body: 'ok' });
    expect(slept).toEqual([2_000, 4_000, 8_000, 16_000]);
  });

  it('does not retry an answer that will not change (400)', async () => {
    let calls = 0;
    const http = retrying(async () => (calls++, { status: 400, body: 'bad' }), 60_000, async () => {});
    await expect(http(request)).resolves.toEqual({ status: 400, body: 'bad' });
    expect(calls).toBe(1);
  });

  it('gives up at the deadline with the last answer', async () => {
    let calls = 0;
    const http = retrying(async () => (calls++, { status: 503, body: 'starting' }), 5_000, async () => {});
    await expect(http(request)).resolves.toEqual({ status: 503, body: 'starting' });
    expect(calls).toBeLessThanOrEqual(3);
  });
});
