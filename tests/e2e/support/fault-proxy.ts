/**
 * A fault-injecting HTTP proxy in front of the Kinesis emulator, for end-to-end tests of the uplink. The app's
 * stream proxy forwards to it (startLocalStack's kinesisProxyUpstream). Every call but PutRecords passes
 * through untouched; PutRecords calls are answered according to `plan`:
 * - 'partial': the listed entries are marked failed (ProvisionedThroughputExceededException / InternalFailure)
 *   and are NOT forwarded; the rest are forwarded and the emulator's answer is merged back in request order,
 *   exactly as Kinesis reports a partial failure (HTTP 200, FailedRecordCount > 0);
 * - 'throttle': the whole request is refused with 400 ProvisionedThroughputExceededException;
 * - 'server-error': the whole request is refused with 500 InternalFailure;
 * - 'pass': forwarded as is.
 * `unreachable` drops every connection (the stream is down), `latencyMs` makes the stream slow. `log` records
 * what happened to each entry.
 */
import { randomUUID } from 'node:crypto';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FailureCode = 'ProvisionedThroughputExceededException' | 'InternalFailure';

export type PutFault =
  | { kind: 'pass' }
  | { kind: 'partial'; fail: ReadonlyArray<{ index: number; code: FailureCode }> }
  | { kind: 'throttle' }
  | { kind: 'server-error' };

/** One PutRecords call as the plan sees it: its number (from 0 since the last reset) and its entries. */
export interface PutRecordsCall {
  n: number;
  entries: ReadonlyArray<{ key: string; seq: number }>;
}

export type FaultPlan = (call: PutRecordsCall) => PutFault;

export type EntryOutcome = 'stored' | 'failed' | 'refused';

export interface ProxyLogEntry {
  call: number;
  fault: PutFault['kind'];
  entries: Array<{ key: string; seq: number; outcome: EntryOutcome; code?: string }>;
}

interface KinesisRecordIn {
  Data: string;
  PartitionKey: string;
}

interface KinesisResultEntry {
  SequenceNumber?: string;
  ShardId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

const JSON_TYPE = 'application/x-amz-json-1.1';
const MESSAGES: Record<FailureCode, string> = {
  ProvisionedThroughputExceededException: 'Rate exceeded for shard shardId-000000000000 in stream liveheartrate under account 000000000000.',
  InternalFailure: 'Internal service failure.',
};

export const passAll: FaultPlan = () => ({ kind: 'pass' });

export class FaultProxy {
  /** Where to forward; set once the emulator is up. */
  target = '';
  plan: FaultPlan = passAll;
  /** Drop every connection, preflights included: the stream cannot be reached. */
  unreachable = false;
  /** Hold every PutRecords this long before answering: a slow stream, so that flushes would overlap. */
  latencyMs = 0;
  readonly log: ProxyLogEntry[] = [];
  private calls = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FaultProxy> {
    let proxy: FaultProxy | undefined;
    const server = createServer((req, res) => {
      proxy?.handle(req, res).catch((error: unknown) => {
        console.error('fault proxy:', error);
        res.destroy();
      });
    });
    // A browser that gives up on a connection must not take the test process down.
    server.on('clientError', (_error, socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new FaultProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return proxy;
  }

  /** Back to passing everything, with an empty log and the call count at 0. */
  reset(): void {
    this.plan = passAll;
    this.unreachable = false;
    this.latencyMs = 0;
    this.log.length = 0;
    this.calls = 0;
  }

  /** Every attempt at (key, seq), in order. */
  attemptsOf(key: string): Map<number, Array<{ outcome: EntryOutcome; call: number; code?: string }>> {
    const attempts = new Map<number, Array<{ outcome: EntryOutcome; call: number; code?: string }>>();
    for (const { call, entries } of this.log) {
      for (const entry of entries) {
        if (entry.key !== key) continue;
        const list = attempts.get(entry.seq) ?? [];
        list.push({ outcome: entry.outcome, call, code: entry.code });
        attempts.set(entry.seq, list);
      }
    }
    return attempts;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.unreachable) {
      req.socket.destroy();
      return;
    }
    const body = await readBody(req);
    if (req.method !== 'POST' || req.headers['x-amz-target'] !== 'Kinesis_20131202.PutRecords') {
      const answer = await this.forward(req, body);
      return relay(res, answer.status, answer.headers, answer.body);
    }

    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const input = JSON.parse(body.toString('utf8')) as { Records: KinesisRecordIn[] } & Record<string, unknown>;
    const identities = input.Records.map((record) => identify(record.Data));
    const n = this.calls++;
    const fault = this.plan({ n, entries: identities });
    const logEntry: ProxyLogEntry = { call: n, fault: fault.kind, entries: [] };
    this.log.push(logEntry);

    if (fault.kind === 'throttle' || fault.kind === 'server-error') {
      logEntry.entries = identities.map((id) => ({ ...id, outcome: 'refused' as const }));
      const [status, type] = fault.kind === 'throttle' ? [400, 'ProvisionedThroughputExceededException' as const] : [500, 'InternalFailure' as const];
      return sendJson(res, status, { __type: type, message: MESSAGES[type] }, { 'x-amzn-ErrorType': type });
    }

    const failing = new Map<number, FailureCode>(fault.kind === 'partial' ? fault.fail.map((f) => [f.index, f.code]) : []);
    const forwardIndexes = input.Records.map((_, i) => i).filter((i) => !failing.has(i));
    let forwardedResults: KinesisResultEntry[] = [];
    let answerHeaders: IncomingHttpHeaders | undefined;
    if (forwardIndexes.length > 0) {
      const forwardBody = Buffer.from(JSON.stringify({ ...input, Records: forwardIndexes.map((i) => input.Records[i]) }));
      const answer = await this.forward(req, forwardBody);
      if (answer.status !== 200) {
        // The emulator refused the whole request: nothing was stored; pass its answer on.
        logEntry.entries = identities.map((id) => ({ ...id, outcome: 'refused' as const }));
        return relay(res, answer.status, answer.headers, answer.body);
      }
      forwardedResults = (JSON.parse(answer.body.toString('utf8')) as { Records: KinesisResultEntry[] }).Records;
      answerHeaders = answer.headers;
    }

    let next = 0;
    const results: KinesisResultEntry[] = input.Records.map((_, i) => {
      const code = failing.get(i);
      return code !== undefined ? { ErrorCode: code, ErrorMessage: MESSAGES[code] } : (forwardedResults[next++] ?? {});
    });
    logEntry.entries = identities.map((id, i) => {
      const result = results[i] ?? {};
      return result.ErrorCode !== undefined
        ? { ...id, outcome: 'failed' as const, code: result.ErrorCode }
        : { ...id, outcome: result.SequenceNumber ? ('stored' as const) : ('failed' as const) };
    });
    const failedCount = results.filter((r) => r.ErrorCode !== undefined || !r.SequenceNumber).length;
    const merged = { FailedRecordCount: failedCount, Records: results };
    if (answerHeaders === undefined) return sendJson(res, 200, merged);
    const text = Buffer.from(JSON.stringify(merged));
    return relay(res, 200, { ...answerHeaders, 'content-length': String(text.length) }, text);
  }

  private forward(req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
    const target = new URL(this.target);
    return new Promise((resolve, reject) => {
      const upstream = request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host, 'content-length': String(body.length) },
        },
        (answer) => {
          readBody(answer).then((answerBody) => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: answerBody }), reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  }
}

/** (key, seq) of a record's data, or a marker when it is not a v1 record. */
function identify(base64: string): { key: string; seq: number } {
  try {
    const record = JSON.parse(Buffer.from(base64, 'base64').toString('utf8')) as { key?: unknown; seq?: unknown };
    return { key: String(record.key), seq: Number(record.seq) };
  } catch {
    return { key: '?', seq: -1 };
  }
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function relay(res: ServerResponse, status: number, headers: IncomingHttpHeaders, body: Buffer): void {
  const { connection: _connection, 'transfer-encoding': _encoding, ...rest } = headers;
  res.writeHead(status, { ...rest, 'content-length': String(body.length) });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}): void {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': body.length, 'x-amzn-RequestId': randomUUID(), ...extra });
  res.end(body);
}
