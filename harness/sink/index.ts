/** Public entry of the capture SMTP peers (sinks). */
export { createSink, DEFAULT_EXTENSIONS } from './sink.ts';
export type { Sink } from './sink.ts';
export { parseMessage, headerValue } from './message.ts';
export type { ParsedMessage } from './message.ts';
export type * from './types.ts';
