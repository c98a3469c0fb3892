// Where the embedded archive copier's transformed records go: buffered per folder (archive-buffers.ts), written as
// files (archive-files.ts), and only then counted as done for the stream runner's checkpoint.
//
// Durability: the stream runner saves a checkpoint as soon as the handler returns, but a line that is only in a
// buffer is not safe yet. So the sink stands between the runner and its checkpoint file: a save is held, tagged
// with how many records had been handed to the sink by then, and reaches the file only once every line from those
// records is in a renamed file. A crash loses buffered lines but not their records: the stream still holds them
// and they are read again from the last saved checkpoint. Records written just before a crash may be written
// again (at least once, as Firehose); readers dedupe by (viewid, seq).
import { join } from 'node:path';
import type { FirehoseTransformationResultRecord } from 'aws-lambda';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { archivePartitionPath, ARCHIVE_DATA_PREFIX, ARCHIVE_ERROR_PREFIX, PROCESSING_FAILED_OUTPUT } from '../../src/core/archive-layout.ts';
import { ArchiveBuffers, type BufferLimits, type TakenBuffer } from './archive-buffers.ts';
import { archiveObjectName, writeJsonFile, writeParquetFile, type ArchiveFormat } from './archive-files.ts';
import type { CheckpointStore, ShardCheckpoint } from './checkpoints.ts';

export interface ArchiveSinkOptions {
  /** `<dataDir>/archive`: readings/ and errors/ go below it. */
  archiveDir: string;
  format: ArchiveFormat;
  limits: BufferLimits;
  now: () => number;
  log: (line: string) => void;
}

/** One transformed record and when it arrived on the stream (which picks its hourly folder). */
export interface SinkEntry {
  result: FirehoseTransformationResultRecord;
  arrivalMs: number;
}

export interface ArchiveStats {
  /** Records handed to the copier (each once per delivery). */
  records: number;
  /** Archive lines in written files. */
  archived: number;
  /** Contact gaps: nothing to archive. */
  dropped: number;
  /** Malformed records in written files under errors/processing-failed/. */
  failed: number;
  /** Files written (readings and errors). */
  files: number;
  /** Lines not in a file yet (buffered or being written). */
  buffered: number;
}

interface HeldCheckpoint {
  upTo: number;
  streamName: string;
  shardId: string;
  checkpoint: ShardCheckpoint;
}

// Firehose's code for a record its transform marked ProcessingFailed, as its error records carry it.
const PROCESSING_FAILED_CODE = 'Lambda.ProcessingFailedStatus';

export class ArchiveSink {
  private readonly buffers: ArchiveBuffers;
  private readonly counts = { records: 0, archived: 0, dropped: 0, failed: 0, files: 0 };
  /** Buffers taken out and not written yet: their lines hold the checkpoint back as much as open ones. */
  private readonly inFlight = new Set<TakenBuffer>();
  private held: HeldCheckpoint[] = [];
  private checkpointFile: CheckpointStore | undefined;
  /** Releases go one at a time, so a shard's checkpoints reach the file in order. */
  private releasing: Promise<unknown> = Promise.resolve();
  /** Writes go one at a time: one DuckDB connection, and files in the order they were due. */
  private writing: Promise<unknown> = Promise.resolve();
  private duckdb: Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> | undefined;

  constructor(private readonly options: ArchiveSinkOptions) {
    this.buffers = new ArchiveBuffers(options.limits);
  }

  /**
   * Buffers a batch's results, then writes any buffer it filled (so a fast stream waits for the disk). Never
   * rejects: a buffer that cannot be written is kept and logged, and failing the batch would only buffer it twice.
   */
  async accept(entries: readonly SinkEntry[]): Promise<void> {
    const now = this.options.now();
    for (const { result, arrivalMs } of entries) {
      const index = this.counts.records++;
      if (result.result === 'Ok') {
        this.buffers.add(`${ARCHIVE_DATA_PREFIX}${archivePartitionPath(arrivalMs)}`, Buffer.from(result.data ?? '', 'base64').toString('utf8'), index, arrivalMs, now);
      } else if (result.result === 'ProcessingFailed') {
        this.buffers.add(`${ARCHIVE_ERROR_PREFIX}${PROCESSING_FAILED_OUTPUT}/${archivePartitionPath(arrivalMs)}`, errorLine(result, arrivalMs, now), index, arrivalMs, now);
      } else {
        this.counts.dropped++;
      }
    }
    await this.write(this.buffers.takeDue(now)).catch(() => {});
  }

  /** Writes the buffers that are full or old; what fails stays buffered for the next call. */
  async flushDue(): Promise<void> {
    await this.write(this.buffers.takeDue(this.options.now())).catch(() => {});
  }

  /** Writes every buffer; rejects if one could not be written (its records are then read again after a restart). */
  async flushAll(): Promise<void> {
    await this.write(this.buffers.takeDue(this.options.now(), true));
  }

  /** The runner's checkpoint store with each save held until the lines before it are written (see the top). */
  holdCheckpoints(file: CheckpointStore): CheckpointStore {
    this.checkpointFile = file;
    return {
      load: (streamName) => file.load(streamName),
      save: async (streamName, shardId, checkpoint) => {
        this.held.push({ upTo: this.counts.records, streamName, shardId, checkpoint });
        await this.releaseCheckpoints();
      },
    };
  }

  stats(): ArchiveStats {
    let writing = 0;
    for (const buffer of this.inFlight) writing += buffer.lines.length;
    return { ...this.counts, buffered: this.buffers.lineCount() + writing };
  }

  /** Closes DuckDB; call after flushAll. */
  async close(): Promise<void> {
    const opened = await this.duckdb?.catch(() => undefined);
    opened?.connection.closeSync();
    opened?.instance.closeSync();
  }

  private write(due: readonly TakenBuffer[]): Promise<void> {
    for (const buffer of due) this.inFlight.add(buffer);
    const run = this.writing.then(async () => {
      const failures: unknown[] = [];
      for (const buffer of due) {
        try {
          await this.writeOne(buffer);
        } catch (error) {
          failures.push(error);
          this.buffers.restore(buffer);
          this.options.log(`could not write ${buffer.lines.length} lines to ${buffer.folder} (${(error as Error).message}); kept, retrying`);
        } finally {
          this.inFlight.delete(buffer);
        }
      }
      await this.releaseCheckpoints().catch((error: unknown) => this.options.log(`could not save the checkpoint (${(error as Error).message}); continuing`));
      if (failures.length > 0) throw new AggregateError(failures, 'some archive files could not be written');
    });
    this.writing = run.catch(() => {});
    return run;
  }

  private async writeOne(buffer: TakenBuffer): Promise<void> {
    const folder = join(this.options.archiveDir, buffer.folder);
    const isData = buffer.folder.startsWith(ARCHIVE_DATA_PREFIX);
    // Error records are newline JSON in either format, as Firehose writes them.
    if (isData && this.options.format === 'parquet') {
      const { connection } = await this.openDuckDb();
      await writeParquetFile(connection, folder, archiveObjectName(buffer.oldestArrivalMs, 'parquet'), buffer.lines);
    } else {
      await writeJsonFile(folder, archiveObjectName(buffer.oldestArrivalMs, 'json'), buffer.lines);
    }
    this.counts.files++;
    if (isData) this.counts.archived += buffer.lines.length;
    else this.counts.failed += buffer.lines.length;
  }

  /** Saves, in order, every held checkpoint whose records are all in files. */
  private releaseCheckpoints(): Promise<void> {
    const run = this.releasing.then(() => this.releaseReady());
    this.releasing = run.catch(() => {});
    return run;
  }

  private async releaseReady(): Promise<void> {
    let lowest = this.buffers.lowestIndex();
    for (const buffer of this.inFlight) lowest = Math.min(lowest, buffer.firstIndex);
    const ready = this.held.filter((h) => h.upTo <= lowest);
    if (ready.length === 0 || this.checkpointFile === undefined) return;
    this.held = this.held.slice(ready.length);
    // Only the newest per shard matters; each save rewrites the whole file.
    const newest = new Map(ready.map((h) => [`${h.streamName}\n${h.shardId}`, h]));
    for (const h of newest.values()) await this.checkpointFile.save(h.streamName, h.shardId, h.checkpoint);
  }

  // Opened at the first Parquet file, so a stack that archives nothing (most tests) never starts DuckDB.
  private openDuckDb(): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> {
    this.duckdb ??= (async () => {
      const instance = await DuckDBInstance.create(':memory:');
      return { instance, connection: await instance.connect() };
    })();
    return this.duckdb;
  }
}

/** Firehose's error record for a ProcessingFailed result (its documented fields; no lambdaArn locally). */
function errorLine(result: FirehoseTransformationResultRecord, arrivalMs: number, now: number): string {
  const record = {
    attemptsMade: 1,
    arrivalTimestamp: arrivalMs,
    errorCode: PROCESSING_FAILED_CODE,
    errorMessage: 'ProcessingFailed status set for record',
    attemptEndingTimestamp: now,
    rawData: result.data ?? '',
  };
  return `${JSON.stringify(record)}\n`;
}
