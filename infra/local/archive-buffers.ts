// The embedded archive copier's buffers, one per destination folder (an hour of arrivals under readings/ or under
// errors/processing-failed/), like Firehose's buffering hints: a buffer is due when it holds `maxBytes` or is
// `maxAgeMs` old. Pure bookkeeping, no I/O: archive-sink.ts writes what is taken out.

export interface BufferLimits {
  /** Bytes of lines (as received, before Parquet compresses them) that make a buffer due. */
  maxBytes: number;
  /** Age of a buffer's first line that makes it due. */
  maxAgeMs: number;
}

/** Lines bound for one folder. `firstIndex` is the position in the stream (as the copier counts) of the first. */
export interface TakenBuffer {
  folder: string;
  lines: string[];
  bytes: number;
  firstIndex: number;
  openedAt: number;
  oldestArrivalMs: number;
}

export class ArchiveBuffers {
  private readonly open = new Map<string, TakenBuffer>();

  constructor(private readonly limits: BufferLimits) {}

  add(folder: string, line: string, index: number, arrivalMs: number, now: number): void {
    const buffer = this.open.get(folder);
    const bytes = Buffer.byteLength(line);
    if (buffer === undefined) {
      this.open.set(folder, { folder, lines: [line], bytes, firstIndex: index, openedAt: now, oldestArrivalMs: arrivalMs });
      return;
    }
    buffer.lines.push(line);
    buffer.bytes += bytes;
    buffer.oldestArrivalMs = Math.min(buffer.oldestArrivalMs, arrivalMs);
  }

  /** Takes out the buffers that are full, or old, or (`all`) every one. */
  takeDue(now: number, all = false): TakenBuffer[] {
    const due = [...this.open.values()].filter((b) => all || b.bytes >= this.limits.maxBytes || now - b.openedAt >= this.limits.maxAgeMs);
    for (const buffer of due) this.open.delete(buffer.folder);
    return due;
  }

  /** Puts back a buffer whose write failed, ahead of anything that arrived for its folder since. */
  restore(taken: TakenBuffer): void {
    const newer = this.open.get(taken.folder);
    if (newer === undefined) {
      this.open.set(taken.folder, taken);
      return;
    }
    this.open.set(taken.folder, {
      folder: taken.folder,
      lines: [...taken.lines, ...newer.lines],
      bytes: taken.bytes + newer.bytes,
      firstIndex: Math.min(taken.firstIndex, newer.firstIndex),
      openedAt: Math.min(taken.openedAt, newer.openedAt),
      oldestArrivalMs: Math.min(taken.oldestArrivalMs, newer.oldestArrivalMs),
    });
  }

  /** The lowest stream position still only in memory; Infinity when every buffer is empty. */
  lowestIndex(): number {
    let lowest = Infinity;
    for (const buffer of this.open.values()) lowest = Math.min(lowest, buffer.firstIndex);
    return lowest;
  }

  lineCount(): number {
    let count = 0;
    for (const buffer of this.open.values()) count += buffer.lines.length;
    return count;
  }
}
