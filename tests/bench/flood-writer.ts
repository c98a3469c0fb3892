// The hostile side of the flood benchmark (tests/bench/flood.ts), run as a child process: an attacker is another
// machine, and writers in the benchmark's own process would charge their request signing and encoding to the
// event loop the embedded stack runs on. Several loops put batches of 500 as fast as they are answered, each
// batch a mix of new sessions, one hot session far above 1 Hz, back-dated readings and malformed records.
// Started by flood.ts with: <endpoint> <stream> <loops> [<origin> <local address>] — through the stream proxy
// with a forged Origin from another loopback address, or straight to the emulator's port without them; stops
// on the message 'stop' and reports its counts.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { BOUNDS, MAX_RECORD_BYTES, encodeRecord } from '../../src/core/record.ts';
import { createWriteKey, derivePartitionKey } from '../../src/core/session-key.ts';
import { createProxyClient } from './proxy-client.ts';

export interface FloodReport {
  /** Entries the stream accepted (PutRecords answered without an ErrorCode for them). */
  accepted: number;
  /** Entries the stream refused, and whole calls that failed (counted per entry): throttled, through the proxy. */
  refused: number;
  batches: number;
  /** Whole calls refused, by error name (ProvisionedThroughputExceededException from the proxy's write limit). */
  errors: Record<string, number>;
  /** From the first batch sent to the last answered, ms. */
  elapsedMs: number;
  /** Entries of each kind sent and accepted. */
  kinds: Record<FloodKind, number>;
}

export type FloodKind = 'new-session' | 'hot-session' | 'back-dated' | 'malformed';

/** Per batch of 500 (the PutRecords maximum): what a writer sends. The hot session alone is 150 readings per batch, far above 1 Hz. */
const FLOOD_MIX: Record<FloodKind, number> = { 'new-session': 200, 'hot-session': 150, 'back-dated': 75, malformed: 75 };

const DAY_MS = 24 * 60 * 60 * 1000;

const hotKey = createWriteKey();
const hotPartitionKey = derivePartitionKey(hotKey);
let hotSeq = 0;

function randomPartitionKey(): string {
  // The consumer never trusts the partition key, so an attacker may pick any; a fresh one each time spreads load.
  return randomBytes(16).toString('base64url');
}

function entry(text: string, partitionKey: string): PutRecordsRequestEntry {
  return { Data: Buffer.from(text), PartitionKey: partitionKey };
}

// Each one fails a different check of the consumer, so the drop counts show every path taken.
const MALFORMED: Array<(key: string) => string> = [
  () => '{"v":1,"key":"short","seq":0',
  (key) => `${JSON.stringify({ v: 1, key: key.slice(1), seq: 0, t: Date.now(), bpm: 70 })}\n`,
  (key) => `${JSON.stringify({ v: 2, key, seq: 0, t: Date.now(), bpm: 70 })}\n`,
  (key) => `${JSON.stringify({ v: 1, key, seq: 0, t: Date.now(), bpm: 999 })}\n`,
  (key) => `${JSON.stringify({ v: 1, key, seq: 0, t: Date.now(), bpm: 70, rr: new Array(BOUNDS.maxRrCount + 8).fill(800) })}\n`,
  (key) => `${JSON.stringify({ v: 1, key, seq: 0, t: Date.now(), bpm: 70, pad: 'x'.repeat(MAX_RECORD_BYTES) })}\n`,
];

function floodBatch(now: number): { entries: PutRecordsRequestEntry[]; kinds: FloodKind[] } {
  const entries: PutRecordsRequestEntry[] = [];
  const kinds: FloodKind[] = [];
  const add = (kind: FloodKind, e: PutRecordsRequestEntry): void => {
    entries.push(e);
    kinds.push(kind);
  };
  for (let i = 0; i < FLOOD_MIX['new-session']; i++) {
    add('new-session', entry(encodeRecord({ v: 1, key: createWriteKey(), seq: 0, t: now, bpm: 60 + (i % 100), contact: true }), randomPartitionKey()));
  }
  for (let i = 0; i < FLOOD_MIX['hot-session']; i++) {
    const seq = hotSeq++;
    add('hot-session', entry(encodeRecord({ v: 1, key: hotKey, seq, t: now, bpm: 60 + (seq % 100), rr: [850, 845] }), hotPartitionKey));
  }
  for (let i = 0; i < FLOOD_MIX['back-dated']; i++) {
    // Two days back: well-formed, but outside the live horizon of its arrival.
    add('back-dated', entry(encodeRecord({ v: 1, key: createWriteKey(), seq: i, t: now - 2 * DAY_MS - i * 1000, bpm: 70 }), randomPartitionKey()));
  }
  for (let i = 0; i < FLOOD_MIX.malformed; i++) {
    const make = MALFORMED[i % MALFORMED.length] as (key: string) => string;
    add('malformed', entry(make(createWriteKey()), randomPartitionKey()));
  }
  return { entries, kinds };
}

async function main(): Promise<void> {
  const [endpoint, streamName, loopsArg, origin, localAddress] = process.argv.slice(2);
  if (endpoint === undefined || streamName === undefined) throw new Error('usage: flood-writer.ts <endpoint> <stream> [loops] [origin local-address]');
  const loops = Number(loopsArg ?? 4);
  // One attempt per call: the SDK's own retries would wait out the throttling, and an attacker does not wait.
  const client = createProxyClient({ endpoint, origin: origin || undefined, localAddress: localAddress || undefined, maxAttempts: 1 });
  const report: FloodReport = { accepted: 0, refused: 0, batches: 0, errors: {}, elapsedMs: 0, kinds: { 'new-session': 0, 'hot-session': 0, 'back-dated': 0, malformed: 0 } };
  let stopping = false;
  process.on('message', (message) => {
    if (message === 'stop') stopping = true;
  });
  const started = performance.now();
  const writer = async (): Promise<void> => {
    while (!stopping) {
      const { entries, kinds } = floodBatch(Date.now());
      try {
        const out = await client.send(new PutRecordsCommand({ StreamName: streamName, Records: entries }));
        // No resend: an attacker does not care which ones got in.
        out.Records?.forEach((r, i) => {
          if (r.ErrorCode === undefined) {
            report.accepted++;
            report.kinds[kinds[i] as FloodKind]++;
          } else report.refused++;
        });
      } catch (error) {
        report.refused += entries.length;
        const name = error instanceof Error ? error.name : 'unknown';
        report.errors[name] = (report.errors[name] ?? 0) + 1;
      }
      report.batches++;
      // Progress for the benchmark's backlog samples; cheap next to a 500-entry request.
      process.send?.({ progress: report.accepted });
    }
  };
  await Promise.all(Array.from({ length: loops }, writer));
  report.elapsedMs = performance.now() - started;
  client.destroy();
  process.send?.({ done: report }, () => process.disconnect());
}

await main();
