/**
 * Test helper for delivery agents: writes a small complete queue file (with E's queue writer)
 * and builds the DeliveryRequest qmgr would send for it. Tests only.
 */
import { mkdir } from 'node:fs/promises';
import { QueueLayout } from '../../queue/layout.ts';
import { QueueFileWriter } from '../../queue/queue-file.ts';
import { REC } from '../../queue/records.ts';
import type { DeliveryRequest } from '../contracts.ts';

export interface TestMessage {
  sender: string;
  recipients: { address: string; origTo?: string; dsnOrcpt?: string }[];
  /** Header + body, LF line ends. */
  content: string;
  attributes?: Record<string, string>;
  arrivalTime?: number;
}

export async function writeTestQueueFile(queueDir: string, msg: TestMessage, transport: string, nexthop: string): Promise<DeliveryRequest> {
  const layout = new QueueLayout(queueDir);
  await mkdir(`${queueDir}/active`, { recursive: true });
  const w = await QueueFileWriter.create(layout, 'active');
  const arrival = msg.arrivalTime ?? Date.now() - 500;
  w.addSizePlaceholder();
  w.add(REC.TIME, `${Math.floor(arrival / 1000)} ${(arrival % 1000) * 1000}`);
  w.add(REC.FROM, msg.sender);
  for (const [k, v] of Object.entries(msg.attributes ?? {})) w.add(REC.ATTR, `${k}=${v}`);
  const recipients = msg.recipients.map((r) => {
    if (r.dsnOrcpt) w.add(REC.ATTR, `dsn_orig_rcpt=${r.dsnOrcpt}`);
    w.add(REC.ORCP, r.origTo ?? r.address);
    return { offset: w.add(REC.RCPT, r.address), address: r.address, origTo: r.origTo ?? r.address, dsnOrcpt: r.dsnOrcpt };
  });
  w.add(REC.MESG, '');
  const dataOffset = w.offset;
  const lines = msg.content.replace(/\n$/, '').split('\n');
  for (const l of lines) w.add(REC.NORM, l);
  const xtra = w.offset;
  w.add(REC.XTRA, '');
  w.add(REC.END, '');
  await w.finish({ messageSize: xtra - dataOffset, dataOffset, recipientCount: recipients.length, qmgrFlags: 0, contentLength: msg.content.length, smtputf8: 0 });
  return {
    queueId: w.queueId, queueFile: w.path, transport, nexthop, sender: msg.sender, recipients,
    arrivalTime: arrival, activeTime: arrival + 100, flags: 0,
  };
}
