// A local node:http stand-in for an Amazon OpenSearch domain, for contract tests of the live store adapter.
// It records every request, rejects any whose SigV4 signature does not verify, and answers the calls the
// adapter makes the way OpenSearch does — including refresh visibility (search sees only refreshed documents,
// gets and mgets are real-time), optimistic concurrency, strict mappings (fixed when an index is created, grown
// only by a put mapping), per-item bulk errors and delete by query.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySigV4, type SigV4Check, type SigV4Expectation } from './sigv4.ts';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  signature: SigV4Check;
}

interface StoredDoc {
  source: Record<string, unknown>;
  seqNo: number;
  primaryTerm: number;
  version: number;
  routing: string | undefined;
}

interface IndexState {
  docs: Map<string, StoredDoc>;
  /** Ids visible to search: what was there at the last refresh. */
  searchable: Map<string, Record<string, unknown>>;
  /** The seq_no of each searchable document at the last refresh (a search answers these with seq_no_primary_term). */
  searchableSeqNo: Map<string, number>;
  seqNo: number;
  /** Taken from the matching template when the index is created; later template changes do not reach it. */
  mappings: Record<string, unknown> | undefined;
}

export interface BulkItemFault {
  status: number;
  type: string;
}

export interface BulkOperation {
  action: 'create' | 'index' | 'update' | 'delete';
  index: string;
  id: string;
  /** 0-based position of the operation in its bulk request. */
  position: number;
  source: Record<string, unknown> | undefined;
}

export interface OpenSearchStandIn {
  url: string;
  requests: RecordedRequest[];
  templates: Map<string, Record<string, unknown>>;
  indices: Map<string, IndexState>;
  /** Return a fault for an operation to fail it (per item, inside an HTTP 200 bulk answer). */
  bulkFault: ((op: BulkOperation) => BulkItemFault | undefined) | undefined;
  /**
   * When true, a bulk with refresh=wait_for is applied at once but answered only at the next refresh(), as a real
   * domain answers it at its next scheduled refresh; false (the default) answers it as if that refresh came at once.
   */
  holdWaitFor: boolean;
  /** Make every index's latest documents searchable, as the 1 s refresh would, and answer the held wait_for bulks. */
  refresh(): void;
  stop(): Promise<void>;
}

export async function startOpenSearchStandIn(expected: SigV4Expectation): Promise<OpenSearchStandIn> {
  const requests: RecordedRequest[] = [];
  const templates = new Map<string, Record<string, unknown>>();
  const indices = new Map<string, IndexState>();
  const held: Array<() => void> = [];
  const standIn: OpenSearchStandIn = {
    url: '',
    requests,
    templates,
    indices,
    bulkFault: undefined,
    holdWaitFor: false,
    refresh: () => {
      for (const index of indices.values()) refreshIndex(index);
      for (const answer of held.splice(0)) answer();
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const signature = verifySigV4(req.method ?? 'GET', req.url ?? '/', req.headers, raw, expected);
      const recorded: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: raw.toString(), signature };
      requests.push(recorded);
      const send = (status: number, body: unknown): void => {
        const text = JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      };
      if (!signature.ok) return send(403, { message: `The request signature we calculated does not match the signature you provided. (${signature.problem})` });
      try {
        route(recorded, send);
      } catch (error) {
        send(400, { error: { type: 'parse_exception', reason: (error as Error).message }, status: 400 });
      }
    });
  });

  function indexOf(name: string, create: boolean): IndexState | undefined {
    let index = indices.get(name);
    if (index === undefined && create) {
      index = { docs: new Map(), searchable: new Map(), searchableSeqNo: new Map(), seqNo: -1, mappings: mappingFor(name) };
      indices.set(name, index);
    }
    return index;
  }

  function mappingFor(indexName: string): Record<string, unknown> | undefined {
    for (const template of templates.values()) {
      const patterns = template.index_patterns as string[];
      if (patterns.some((p) => wildcard(p).test(indexName))) {
        return (template.template as { mappings?: Record<string, unknown> }).mappings;
      }
    }
    return undefined;
  }

  function route(r: RecordedRequest, send: (status: number, body: unknown) => void): void {
    const parts = r.path.split('/').filter(Boolean).map(decodeURIComponent);
    if ((r.method === 'PUT' || r.method === 'POST') && parts[0] === '_index_template' && parts[1] !== undefined) {
      templates.set(parts[1], JSON.parse(r.body) as Record<string, unknown>);
      return send(200, { acknowledged: true });
    }
    if ((r.method === 'POST' || r.method === 'GET') && parts.length === 1 && parts[0] === '_mget') return send(200, mget(r));
    if ((r.method === 'POST' || r.method === 'PUT') && parts.length === 1 && parts[0] === '_bulk') {
      const answer = bulk(r);
      if (standIn.holdWaitFor && r.query.get('refresh') === 'wait_for') held.push(() => send(200, answer));
      else send(200, answer);
      return;
    }
    // An index in the path is the default for actions that name none.
    if ((r.method === 'POST' || r.method === 'PUT') && parts.length === 2 && parts[1] === '_bulk') return send(200, bulk(r, parts[0]));
    if (r.method === 'GET' && parts.length === 3 && parts[1] === '_doc') {
      const [indexName, , id] = parts as [string, string, string];
      const doc = indices.get(indexName)?.docs.get(id);
      if (!indices.has(indexName)) return send(404, { error: { type: 'index_not_found_exception', reason: 'no such index', index: indexName }, status: 404 });
      if (doc === undefined) return send(404, { _index: indexName, _id: id, found: false });
      return send(200, { _index: indexName, _id: id, _version: doc.version, _seq_no: doc.seqNo, _primary_term: doc.primaryTerm, found: true, _source: doc.source });
    }
    if ((r.method === 'POST' || r.method === 'GET') && parts.length === 2 && parts[1] === '_search') return send(200, search(parts[0] as string, r));
    if (r.method === 'PUT' && parts.length === 2 && parts[1] === '_mapping') return putMapping(parts[0] as string, r, send);
    if (r.method === 'POST' && parts.length === 2 && parts[1] === '_delete_by_query') return deleteByQuery(parts[0] as string, r, send);
    send(400, { error: { type: 'illegal_argument_exception', reason: `no handler for ${r.method} ${r.path}` }, status: 400 });
  }

  function mget(r: RecordedRequest): unknown {
    const body = JSON.parse(r.body) as { docs: Array<{ _index: string; _id: string; _source?: string[] }> };
    return {
      docs: body.docs.map((d) => {
        const index = indices.get(d._index);
        if (index === undefined) return { _index: d._index, _id: d._id, error: { type: 'index_not_found_exception', reason: 'no such index', index: d._index } };
        const doc = index.docs.get(d._id);
        if (doc === undefined) return { _index: d._index, _id: d._id, found: false };
        const source = d._source === undefined ? doc.source : Object.fromEntries(Object.entries(doc.source).filter(([k]) => d._source?.includes(k)));
        return { _index: d._index, _id: d._id, _version: doc.version, _seq_no: doc.seqNo, _primary_term: doc.primaryTerm, found: true, _source: source };
      }),
    };
  }

  function bulk(r: RecordedRequest, defaultIndex?: string): unknown {
    if (!r.body.endsWith('\n')) throw new Error('The bulk request must be terminated by a newline [\\n]');
    const lines = r.body.split('\n').slice(0, -1);
    const items: unknown[] = [];
    let errors = false;
    const touched = new Set<IndexState>();
    for (let i = 0, position = 0; i < lines.length; position++) {
      const action = JSON.parse(lines[i++] as string) as Record<string, Record<string, unknown>>;
      const [kind, meta] = Object.entries(action)[0] as [BulkOperation['action'], Record<string, unknown>];
      const source = kind === 'delete' ? undefined : (JSON.parse(lines[i++] as string) as Record<string, unknown>);
      const indexName = (meta._index ?? defaultIndex) as string;
      const id = meta._id as string;
      const answer = (status: number, extra: Record<string, unknown>): void => {
        if (status >= 300) errors = true;
        items.push({ [kind]: { _index: indexName, _id: id, status, ...extra } });
      };
      const fault = standIn.bulkFault?.({ action: kind, index: indexName, id, position, source });
      if (fault !== undefined) {
        answer(fault.status, { error: { type: fault.type, reason: `injected ${fault.type}` } });
        continue;
      }
      const mapping = indices.has(indexName) ? indices.get(indexName)?.mappings : mappingFor(indexName);
      const unknownField = mapping?.dynamic === 'strict' && source !== undefined ? Object.keys(source).find((k) => !(k in (mapping.properties as object))) : undefined;
      if (unknownField !== undefined) {
        answer(400, { error: { type: 'strict_dynamic_mapping_exception', reason: `mapping set to strict, dynamic introduction of [${unknownField}] within [_doc] is not allowed` } });
        continue;
      }
      const index = indexOf(indexName, true) as IndexState;
      const existing = index.docs.get(id);
      if (kind === 'create' && existing !== undefined) {
        answer(409, { error: { type: 'version_conflict_engine_exception', reason: `[${id}]: version conflict, document already exists` } });
        continue;
      }
      if (meta.if_seq_no !== undefined && (existing === undefined || existing.seqNo !== meta.if_seq_no || existing.primaryTerm !== meta.if_primary_term)) {
        answer(409, { error: { type: 'version_conflict_engine_exception', reason: `[${id}]: version conflict, required seqNo [${meta.if_seq_no as number}]` } });
        continue;
      }
      index.seqNo++;
      const doc: StoredDoc = { source: source ?? {}, seqNo: index.seqNo, primaryTerm: 1, version: (existing?.version ?? 0) + 1, routing: meta.routing as string | undefined };
      index.docs.set(id, doc);
      touched.add(index);
      answer(existing === undefined ? 201 : 200, { result: existing === undefined ? 'created' : 'updated', _version: doc.version, _seq_no: doc.seqNo, _primary_term: 1 });
    }
    const refresh = r.query.get('refresh');
    // wait_for answers once a refresh has made the writes searchable; true refreshes at once.
    if ((refresh === 'wait_for' && !standIn.holdWaitFor) || refresh === 'true' || refresh === '') for (const index of touched) refreshIndex(index);
    return { took: 1, errors, items };
  }

  /** Adds fields to an existing index's mapping, the one change OpenSearch allows in place. */
  function putMapping(indexName: string, r: RecordedRequest, send: (status: number, body: unknown) => void): void {
    const index = indices.get(indexName);
    if (index === undefined) return send(404, { error: { type: 'index_not_found_exception', reason: 'no such index', index: indexName }, status: 404 });
    const body = JSON.parse(r.body) as { properties?: Record<string, unknown>; dynamic?: unknown };
    const current = index.mappings ?? {};
    index.mappings = { ...current, ...(body.dynamic === undefined ? {} : { dynamic: body.dynamic }), properties: { ...(current.properties as object), ...body.properties } };
    send(200, { acknowledged: true });
  }

  /** Deletes what a search would find now (refreshed documents only), skipping none: no concurrent writer here. */
  function deleteByQuery(indexName: string, r: RecordedRequest, send: (status: number, body: unknown) => void): void {
    const index = indices.get(indexName);
    if (index === undefined) {
      if (r.query.get('ignore_unavailable') === 'true') return send(200, { took: 1, deleted: 0, version_conflicts: 0, failures: [] });
      return send(404, { error: { type: 'index_not_found_exception', reason: 'no such index', index: indexName }, status: 404 });
    }
    const body = JSON.parse(r.body) as { query?: Query };
    let deleted = 0;
    for (const [id, source] of [...index.searchable]) {
      if (!matches(body.query ?? { match_all: {} }, source)) continue;
      index.docs.delete(id);
      index.searchable.delete(id);
      deleted++;
    }
    send(200, { took: 1, deleted, version_conflicts: 0, failures: [] });
  }

  function search(pattern: string, r: RecordedRequest): unknown {
    const body = JSON.parse(r.body) as {
      size?: number;
      sort?: Array<Record<string, string>>;
      seq_no_primary_term?: boolean;
      query?: { bool?: { filter?: Array<{ term?: Record<string, string>; range?: Record<string, { gt?: string; lte?: string }> }> } } & Query;
    };
    const matcher = wildcard(pattern);
    let hits: Array<{ _index: string; _id: string; _source: Record<string, unknown>; _seq_no?: number; _primary_term?: number }> = [];
    for (const [name, index] of indices) {
      if (!matcher.test(name)) continue;
      for (const [id, source] of index.searchable) {
        const versioned = body.seq_no_primary_term === true ? { _seq_no: index.searchableSeqNo.get(id) as number, _primary_term: 1 } : {};
        hits.push({ _index: name, _id: id, _source: source, ...versioned });
      }
    }
    // A query other than the readings' bool filter (the alert clock's exists) goes through the general matcher.
    if (body.query !== undefined && body.query.bool === undefined) hits = hits.filter((h) => matches(body.query as Query, h._source));
    for (const clause of body.query?.bool?.filter ?? []) {
      if (clause.term !== undefined) {
        const [field, value] = Object.entries(clause.term)[0] as [string, string];
        hits = hits.filter((h) => h._source[field] === value);
      }
      if (clause.range !== undefined) {
        const [field, range] = Object.entries(clause.range)[0] as [string, { gt?: string; lte?: string }];
        hits = hits.filter((h) => {
          const v = h._source[field] as string;
          return (range.gt === undefined || v > range.gt) && (range.lte === undefined || v <= range.lte);
        });
      }
    }
    const sortField = Object.keys(body.sort?.[0] ?? {})[0];
    if (sortField !== undefined) hits.sort((a, b) => ((a._source[sortField] as string) < (b._source[sortField] as string) ? -1 : 1));
    hits = hits.slice(0, body.size ?? 10);
    return { took: 1, timed_out: false, hits: { total: { value: hits.length, relation: 'eq' }, hits } };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return standIn;
}

/** The query clauses the adapters send: bool, range, exists, term, match_all. */
interface Query {
  bool?: { filter?: Query[]; must?: Query[]; should?: Query[]; must_not?: Query[]; minimum_should_match?: number };
  range?: Record<string, { gt?: number | string; gte?: number | string; lt?: number | string; lte?: number | string }>;
  exists?: { field: string };
  term?: Record<string, unknown>;
  match_all?: Record<string, never>;
}

function matches(query: Query, source: Record<string, unknown>): boolean {
  const known = Object.keys(query).filter((k) => k !== 'bool' && k !== 'range' && k !== 'exists' && k !== 'term' && k !== 'match_all');
  if (known.length > 0) throw new Error(`stand-in does not know query [${known.join(', ')}]`);
  if (query.bool !== undefined) {
    const { filter = [], must = [], should = [], must_not: mustNot = [], minimum_should_match: minShould } = query.bool;
    if (![...filter, ...must].every((q) => matches(q, source))) return false;
    if (mustNot.some((q) => matches(q, source))) return false;
    const needed = minShould ?? (filter.length + must.length === 0 && should.length > 0 ? 1 : 0);
    return should.filter((q) => matches(q, source)).length >= needed;
  }
  if (query.range !== undefined) {
    const [field, { gt, gte, lt, lte }] = Object.entries(query.range)[0] as [string, { gt?: number; gte?: number; lt?: number; lte?: number }];
    const v = source[field] as number | undefined | null;
    if (v === undefined || v === null) return false;
    return (gt === undefined || v > gt) && (gte === undefined || v >= gte) && (lt === undefined || v < lt) && (lte === undefined || v <= lte);
  }
  if (query.exists !== undefined) return source[query.exists.field] !== undefined && source[query.exists.field] !== null;
  if (query.term !== undefined) {
    const [field, value] = Object.entries(query.term)[0] as [string, unknown];
    return source[field] === value;
  }
  return true;
}

function refreshIndex(index: IndexState): void {
  index.searchable = new Map([...index.docs].map(([id, doc]) => [id, doc.source]));
  index.searchableSeqNo = new Map([...index.docs].map(([id, doc]) => [id, doc.seqNo]));
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}
