/** Public entry of the raw SMTP dialog driver (see README.md). */
export { SmtpDialog, SmtpTimeoutError, SmtpClosedError } from './dialog.ts';
export type { ConnectOptions, DataOptions, TranscriptEntry } from './dialog.ts';
export { ReplyParser, SmtpProtocolError, formatReply, makeReply } from './reply.ts';
export type { Reply } from './reply.ts';
export { encodeData } from './data.ts';
export { sendMessage } from './send.ts';
export type { SendMessageOptions, SendMessageResult } from './send.ts';
