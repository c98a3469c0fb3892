// Structured one-line logs. Callers pass counts and identifiers of machinery (sequence numbers, error types),
// never record contents: a heart rate is health data and a write key is a credential.

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** One JSON object per line: what CloudWatch Logs Insights parses without a pattern. */
export function createJsonLogger(write: (line: string) => void = (line) => console.log(line)): Logger {
  const emit = (level: string, message: string, fields?: Record<string, unknown>): void =>
    write(JSON.stringify({ level, message, ...fields }));
  return {
    info: (message, fields) => emit('info', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}

export const silentLogger: Logger = { info: () => {}, error: () => {} };

/** An error's kind without its message: messages from stores can quote the document that failed. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const status = (error as { meta?: { statusCode?: unknown }; statusCode?: unknown }).meta?.statusCode ?? (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? `${error.name} (${status})` : error.name;
}
