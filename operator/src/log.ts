// The operator's logging: JSON lines on stdout (pino), one root logger named "gregor-operator" and a child
// per component. The level comes from GREGOR_LOG_LEVEL (the chart's `logLevel`), default info. An invalid
// value does not crash the import: options.ts rejects it with a proper message and main exits 2.
import { pino, type Level, type Logger } from 'pino';

export const LOG_LEVELS: readonly (Level | 'silent')[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function isLogLevel(s: string): s is Level | 'silent' {
  return (LOG_LEVELS as readonly string[]).includes(s);
}

const envLevel = process.env.GREGOR_LOG_LEVEL?.trim().toLowerCase() ?? '';

export const logger: Logger = pino({
  name: 'gregor-operator',
  level: isLogLevel(envLevel) ? envLevel : 'info',
  base: { pid: process.pid },
});

/** A child logger tagged with `component` (e.g. "manager", "controller"). */
export function childLogger(component: string, bindings: Record<string, unknown> = {}): Logger {
  return logger.child({ component, ...bindings });
}
