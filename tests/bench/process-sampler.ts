// This process's memory and CPU at a fixed period, for benchmarks that run the server in-process: whether memory
// stays flat over a long run (first minute against last), and how much of a core the server used.
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

export interface ProcessSample {
  /** Since the sampler started, s. */
  atS: number;
  rssMiB: number;
  heapUsedMiB: number;
  /** User + system CPU over the period before the sample, in % of one core. */
  cpuPercent: number;
  /** Share of the period the event loop was busy. */
  eventLoopUtilization: number;
}

export interface ProcessSampler {
  /** Takes a last sample and stops; the samples in order. */
  stop(): ProcessSample[];
}

export function startProcessSampler(everyMs: number): ProcessSampler {
  const samples: ProcessSample[] = [];
  const started = performance.now();
  let lastAt = started;
  let lastCpu = process.cpuUsage();
  let lastLoop: EventLoopUtilization = performance.eventLoopUtilization();
  const take = (): void => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    const loop = performance.eventLoopUtilization(lastLoop);
    const memory = process.memoryUsage();
    samples.push({
      atS: (now - started) / 1000,
      rssMiB: memory.rss / 2 ** 20,
      heapUsedMiB: memory.heapUsed / 2 ** 20,
      cpuPercent: ((cpu.user + cpu.system) / 1000 / Math.max(1, now - lastAt)) * 100,
      eventLoopUtilization: loop.utilization,
    });
    lastAt = now;
    lastCpu = process.cpuUsage();
    lastLoop = performance.eventLoopUtilization();
  };
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}
