import { logLevel, type logCreator } from 'kafkajs';

/** The structured logger the library writes to; a pino logger fits as is. Objects first, message second. */
export interface MessagingLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

type Level = 'debug' | 'info' | 'warn' | 'error';
const rank: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A JSON-lines logger on stderr for callers that bring none; writes `minLevel` and above. */
export function jsonLogger(minLevel: Level = 'info', name = 'messaging'): MessagingLogger {
  const write = (level: Level) => (fields: object, message: string) => {
    if (rank[level] < rank[minLevel]) return;
    process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), name, ...fields, msg: message })}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** A logger that drops everything. */
export const silentLogger: MessagingLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Routes kafkajs's own log lines into `logger`. */
export function kafkaLogCreator(logger: MessagingLogger): logCreator {
  return () => ({ namespace, level, log }) => {
    const { message, timestamp: _timestamp, logger: _name, ...fields } = log as Record<string, unknown>;
    const entry = { component: `kafkajs.${namespace}`, ...fields };
    const text = String(message);
    if (level === logLevel.ERROR) logger.error(entry, text);
    else if (level === logLevel.WARN) logger.warn(entry, text);
    else if (level === logLevel.INFO) logger.info(entry, text);
    else logger.debug(entry, text);
  };
}
