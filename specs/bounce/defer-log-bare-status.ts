import type { Scenario } from '../../harness/scenario/types.ts';
import { NO_RETRY_DURING_RUN, oneMessage, withAliases } from '../_shared/builders.ts';

/**
 * What the defer log keeps about a failure that has a diagnostic type but no diagnostic text
 * (bounce_append_service.c, bounce_log.c): the diag_type= and diag_text= lines are written only
 * when both have a value. An alias command whose whole output is a status code ("4.3.2") is
 * deferred with that code and an empty text (local(8), pipe_command()); its entry in
 * defer/QID then has recipient=, offset=, dsn_orig_rcpt=, status= and action=, but neither
 * diag_type=x-unix nor an (empty) reason=; read back (bounce_log.c), the missing reason becomes
 * "(description unavailable)", which the queue listing shows as its delay_reason.
 * Written for the mutation campaign: every logged failure in the other scenarios had a text.
 */

const scenario: Scenario = {
  id: 'bounce/defer-log-bare-status',
  title: 'a deferral with a status code and no text is logged without diag_type/diag_text',
  description: 'An alias command prints only "4.3.2" and exits 1: the recipient is deferred with 4.3.2 and an empty reason, and the message stays queued with its defer log, listed with "(description unavailable)".',
  config: withAliases('bare: "|/bin/sh -c \'echo 4.3.2; exit 1\'"\n', {
    main: {
      ...NO_RETRY_DURING_RUN,
    },
  }),
  steps: [
    oneMessage({ to: 'bare@mx.twinpost.test', rcptReply: '250 2.1.5', data: 'Subject: status only\r\n\r\nHi.\r\n' }),
    { kind: 'wait', event: { kind: 'delivery', to: 'bare@mx.twinpost.test' } },
    { kind: 'queue', expect: { count: 1, entries: [{ queue_name: 'deferred' }] } },
  ],
  expect: {
    events: [{ kind: 'delivery', queueId: 'Q1', to: 'bare@mx.twinpost.test', status: 'deferred', dsn: '4.3.2', text: '' }],
    queue: {
      count: 1,
      entries: [{ queue_name: 'deferred', sender: 'alice@client.example', recipients: [{ address: 'bare@mx.twinpost.test', delay_reason: '(description unavailable)' }] }],
    },
  },
};
export default scenario;
