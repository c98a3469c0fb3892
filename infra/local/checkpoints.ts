// Where the local stream runner keeps its place in each shard across restarts: a small JSON file in the data
// folder. Saved only after the consumer succeeded, so a lost or stale file means records are delivered
// again — which the idempotent store absorbs — never that records are skipped.
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { replaceFileDurably } from './durable-file.ts';

export interface ShardCheckpoint {
  /**
   * The shard's StartingSequenceNumber when the checkpoint was taken. An emulator that keeps its stream in
   * memory creates a new stream with the same name and shard ids on every start; this tells them apart.
   */
  shardStart: string;
  /** The last sequence number the consumer finished. */
  sequenceNumber: string;
  /**
   * That record's arrival time, epoch ms. kinesalite numbers records from the stream's creation second, so a
   * stream recreated within the same second reissues the same sequence numbers for different records.
   */
  arrivedAt: number;
}

export type StreamCheckpoints = Record<string, ShardCheckpoint>;

export interface CheckpointStore {
  load(streamName: string): Promise<StreamCheckpoints>;
  save(streamName: string, shardId: string, checkpoint: ShardCheckpoint): Promise<void>;
}

interface CheckpointFile {
  version: 1;
  streams: Record<string, StreamCheckpoints>;
}

export function openCheckpointFile(path: string): CheckpointStore {
  let state: CheckpointFile | undefined;
  // One write at a time, each with the latest state; a write is a synced temp file renamed over the old one, so
  // a crash or a power cut leaves either the old or the new file, never half of one (an empty or half file would
  // send the archive copier back to the oldest record and archive everything again).
  let writing: Promise<void> = Promise.resolve();
  let dirty = false;

  async function loadState(): Promise<CheckpointFile> {
    if (state !== undefined) return state;
    state = await readCheckpointFile(path);
    return state;
  }

  function flush(): Promise<void> {
    dirty = true;
    // An earlier failed write must not block later ones: each reports its own failure to its caller.
    writing = writing.catch(() => {}).then(async () => {
      if (!dirty || state === undefined) return;
      dirty = false;
      const body = `${JSON.stringify(state, null, 2)}\n`;
      try {
        await mkdir(dirname(path), { recursive: true });
        await replaceFileDurably(path, body);
      } catch (error) {
        dirty = true;
        throw error;
      }
    });
    return writing;
  }

  return {
    async load(streamName) {
      return { ...((await loadState()).streams[streamName] ?? {}) };
    },
    async save(streamName, shardId, checkpoint) {
      const current = await loadState();
      current.streams[streamName] = { ...current.streams[streamName], [shardId]: checkpoint };
      await flush();
    },
  };
}

async function readCheckpointFile(path: string): Promise<CheckpointFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, streams: {} };
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<CheckpointFile>;
    if (parsed.version === 1 && typeof parsed.streams === 'object' && parsed.streams !== null) return parsed as CheckpointFile;
  } catch {
    // fall through: an unreadable file only costs re-delivery from the oldest record
  }
  return { version: 1, streams: {} };
}
