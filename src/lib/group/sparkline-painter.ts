// Draws every tile's sparkline in one animation frame: a tile whose series changed is marked, and flush() asks for
// one frame that draws the marked ones only. The page flushes on its own beat (twice a second), so fifty sessions
// at one reading a second cost two frames a second, never fifty separate ones, and an idle group draws nothing.
import type { SeriesBuffer } from '../chart/series-buffer.ts';

/** What a sparkline shows: the last three minutes before its newest reading. */
export const SPARK_WINDOW_S = 180;
// Heart rates drawn on a fixed scale, so a flat line at 60 and one at 180 do not look alike.
const MIN_BPM = 40;
const MAX_BPM = 200;

export interface Frames {
  request(callback: () => void): void;
}

interface Spark {
  canvas: HTMLCanvasElement;
  series: SeriesBuffer;
  color: string;
}

export class SparklinePainter {
  private readonly sparks = new Map<string, Spark>();
  private readonly dirty = new Set<string>();
  private scheduled = false;

  constructor(private readonly frames: Frames) {}

  /** Returns the function that takes the canvas off again. */
  attach(viewId: string, canvas: HTMLCanvasElement, series: SeriesBuffer, color: string): () => void {
    this.sparks.set(viewId, { canvas, series, color });
    this.mark(viewId);
    return () => {
      if (this.sparks.get(viewId)?.canvas === canvas) this.sparks.delete(viewId);
    };
  }

  mark(viewId: string): void {
    this.dirty.add(viewId);
  }

  /** Draws what was marked since, in the next animation frame. */
  flush(): void {
    if (this.scheduled || this.dirty.size === 0) return;
    this.scheduled = true;
    this.frames.request(() => this.paint());
  }

  setColor(viewId: string, color: string): void {
    const spark = this.sparks.get(viewId);
    if (spark === undefined || spark.color === color) return;
    spark.color = color;
    this.mark(viewId);
  }

  private paint(): void {
    this.scheduled = false;
    for (const viewId of this.dirty) {
      const spark = this.sparks.get(viewId);
      if (spark !== undefined) draw(spark);
    }
    this.dirty.clear();
  }
}

function draw({ canvas, series, color }: Spark): void {
  const ratio = globalThis.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
  const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  ctx.clearRect(0, 0, width, height);
  const end = series.lastTime;
  canvas.dataset['points'] = String(series.length);
  if (end === null) return;
  const { times, values } = series.window(end - SPARK_WINDOW_S);
  ctx.strokeStyle = color;
  ctx.lineWidth = 2 * ratio;
  ctx.lineJoin = 'round';
  ctx.beginPath();
  for (let i = 0; i < times.length; i++) {
    const x = ((((times[i] ?? end) - end) / SPARK_WINDOW_S) + 1) * width;
    const clamped = Math.min(MAX_BPM, Math.max(MIN_BPM, values[i] ?? MIN_BPM));
    const y = height - ((clamped - MIN_BPM) / (MAX_BPM - MIN_BPM)) * (height - 2 * ratio) - ratio;
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  }
  ctx.stroke();
}
