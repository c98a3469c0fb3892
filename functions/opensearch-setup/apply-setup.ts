// Applies index templates, ISM policies and Dashboards saved objects to a domain. Every step is idempotent,
// so a stack update (or a retry after a failed one) simply applies everything again.
import type { OpenSearchSetupConfig } from './setup-config.ts';

export interface DomainRequest {
  method: 'GET' | 'PUT' | 'POST';
  path: string;
  query?: Record<string, string>;
  body?: string;
  headers?: Record<string, string>;
}

export interface DomainResponse {
  status: number;
  body: string;
}

export type DomainHttp = (request: DomainRequest) => Promise<DomainResponse>;

export class SetupError extends Error {
  override name = 'SetupError';
}

/** The domain is not ready yet (a 403 while its access policy spreads, 429, 5xx, no answer): ask again later. */
export class NotReadyError extends Error {
  override name = 'NotReadyError';
}

export interface ApplyOptions {
  /** Boundary for the multipart import body; fixed in tests. */
  boundary?: string;
  /**
   * A Dashboards that is not ready yet fails the pass with NotReadyError (so the caller asks again) instead of
   * being reported as not imported. Default false.
   */
  dashboardsMayWait?: boolean;
}

export interface SetupOutcome {
  /** What became of the Dashboards import, for the stack output: the live store works without it. */
  dashboards: string;
}

/**
 * Index templates and the retention policy are what the live store needs: a failure there fails the
 * deployment. The Dashboards objects are a convenience: a refused import is reported, not fatal, so it can
 * never roll back a stack (and its 20-minute domain) on its own.
 */
export async function applySetup(http: DomainHttp, config: OpenSearchSetupConfig, options: ApplyOptions = {}): Promise<SetupOutcome> {
  await putIndexTemplates(http, config.indexTemplates);
  for (const [id, setup] of Object.entries(config.ismPolicies)) {
    await putIsmPolicy(http, id, setup.policy);
    // New indices pick the policy up through its ism_template; these cover indices that already exist.
    // Both answer 200 with per-index failures (e.g. "already managed"), which are expected here, and no
    // index at all (the first deployment) is not an error either.
    const body = JSON.stringify({ policy_id: id });
    const pattern = encodeURIComponent(setup.indexPattern);
    await expectOk(http, { method: 'POST', path: `/_plugins/_ism/add/${pattern}`, body }, [404]);
    await expectOk(http, { method: 'POST', path: `/_plugins/_ism/change_policy/${pattern}`, body }, [404]);
  }
  try {
    const count = await importSavedObjects(http, config.dashboardsNdjson, options.boundary ?? `liveheartrate-${Date.now().toString(36)}`);
    return { dashboards: `imported ${count} saved objects` };
  } catch (error) {
    if (error instanceof NotReadyError && options.dashboardsMayWait === true) throw error;
    return { dashboards: `NOT imported: ${(error instanceof Error ? error.message : String(error)).slice(0, 200)}` };
  }
}

/** Puts index templates (idempotent): the part of the setup the live store cannot work without. */
export async function putIndexTemplates(http: DomainHttp, templates: Readonly<Record<string, unknown>>): Promise<void> {
  for (const [name, template] of Object.entries(templates)) {
    await expectOk(http, { method: 'PUT', path: `/_index_template/${encodeURIComponent(name)}`, body: JSON.stringify(template) });
    await putMappingOfExistingIndex(http, template);
  }
}

/**
 * A template shapes only indices created after it. A template for one named index (the sessions index, which
 * lives for ever) also puts its mapping on that index if it exists, so fields added in a release (adding fields
 * is the one mapping change OpenSearch makes in place) reach it before the consumer writes them; with a strict
 * mapping every session write would otherwise be refused. No such index yet (404) is fine.
 */
async function putMappingOfExistingIndex(http: DomainHttp, template: unknown): Promise<void> {
  const { index_patterns: patterns, template: body } = template as { index_patterns?: unknown; template?: { mappings?: unknown } };
  if (!Array.isArray(patterns) || patterns.length !== 1 || typeof patterns[0] !== 'string' || patterns[0].includes('*')) return;
  if (body?.mappings === undefined) return;
  await expectOk(http, { method: 'PUT', path: `/${encodeURIComponent(patterns[0])}/_mapping`, body: JSON.stringify(body.mappings) }, [404]);
}

async function putIsmPolicy(http: DomainHttp, id: string, policy: Record<string, unknown>): Promise<void> {
  const path = `/_plugins/_ism/policies/${encodeURIComponent(id)}`;
  const current = await http({ method: 'GET', path });
  const body = JSON.stringify(policy);
  if (current.status === 404) {
    await expectOk(http, { method: 'PUT', path, body });
    return;
  }
  if (current.status !== 200) throw new SetupError(`GET ${path} answered ${current.status}: ${current.body.slice(0, 500)}`);
  // ISM refuses to overwrite a policy without the version it replaces (optimistic concurrency).
  const version = JSON.parse(current.body) as { _seq_no?: unknown; _primary_term?: unknown };
  if (typeof version._seq_no !== 'number' || typeof version._primary_term !== 'number') {
    throw new SetupError(`GET ${path} returned no _seq_no/_primary_term`);
  }
  await expectOk(http, { method: 'PUT', path, body, query: { if_seq_no: String(version._seq_no), if_primary_term: String(version._primary_term) } });
}

async function importSavedObjects(http: DomainHttp, ndjson: string, boundary: string): Promise<number> {
  const body =
    `--${boundary}\r\n` +
    'Content-Disposition: form-data; name="file"; filename="liveheartrate.ndjson"\r\n' +
    'Content-Type: application/ndjson\r\n\r\n' +
    `${ndjson}\r\n` +
    `--${boundary}--\r\n`;
  const response = await expectOk(http, {
    method: 'POST',
    path: '/_dashboards/api/saved_objects/_import',
    query: { overwrite: 'true' },
    // Dashboards refuses state-changing API calls without this header (its CSRF guard).
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'osd-xsrf': 'true' },
    body,
  });
  const result = JSON.parse(response.body) as { success?: unknown; successCount?: unknown; errors?: unknown };
  if (result.success !== true) throw new SetupError(`Dashboards import failed: ${JSON.stringify(result.errors ?? result).slice(0, 1000)}`);
  return typeof result.successCount === 'number' ? result.successCount : 0;
}

async function expectOk(http: DomainHttp, request: DomainRequest, alsoFine: readonly number[] = []): Promise<DomainResponse> {
  const response = await http(request);
  if ((response.status < 200 || response.status > 299) && !alsoFine.includes(response.status)) {
    throw new SetupError(`${request.method} ${request.path} answered ${response.status}: ${response.body.slice(0, 500)}`);
  }
  return response;
}
