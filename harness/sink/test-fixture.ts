/**
 * Test fixture shared by the sink's and the dialog's tests: start sinks and open dialogs to
 * them, all closed again after each test (vitest afterEach), also when the test failed.
 */
import { afterEach } from 'vitest';
import { SmtpDialog } from '../smtp/dialog.ts';
import { createSink, type Sink } from './sink.ts';
import type { SinkOptions } from './types.ts';

export interface SinkFixture {
  /** Start a sink (closed after the test). */
  start(opts?: SinkOptions): Promise<Sink>;
  /** Connect a dialog to the sink (default: the last one started); closed after the test. */
  open(sink?: Sink): Promise<SmtpDialog>;
  /** The last sink started. */
  readonly sink: Sink;
}

export function useSinks(): SinkFixture {
  const sinks: Sink[] = [];
  const dialogs: SmtpDialog[] = [];
  afterEach(async () => {
    await Promise.all(dialogs.splice(0).map((d) => d.close()));
    await Promise.all(sinks.splice(0).map((s) => s.close()));
  });
  return {
    async start(opts = {}) {
      const s = await createSink(opts);
      sinks.push(s);
      return s;
    },
    async open(sink) {
      const s = sink ?? sinks[sinks.length - 1];
      if (!s) throw new Error('no sink started');
      const d = await SmtpDialog.connect({ ...s.endpoint, timeoutMs: 5_000 });
      dialogs.push(d);
      return d;
    },
    get sink() {
      const s = sinks[sinks.length - 1];
      if (!s) throw new Error('no sink started');
      return s;
    },
  };
}
