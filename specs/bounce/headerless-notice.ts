import type { Scenario } from '../../harness/scenario/types.ts';
import { oneMessage, relayToRemote } from '../_shared/builders.ts';

/**
 * The returned headers of a message that has none (bounce_notify_util.c bounce_original()):
 * a notice that returns the original's headers only copies its content up to the first line
 * that is not a header line. When header_checks IGNORE every header (smtpd's Received: too)
 * and local_header_rewrite_clients is empty, so that cleanup(8) adds none, the queued content
 * starts with the empty line before the body; a failure notice for RET=HDRS then returns an
 * empty "Undelivered Message Headers" part — not the body.
 * Written for the mutation campaign: every returned message in the other scenarios had headers.
 */

const scenario: Scenario = {
  id: 'bounce/headerless-notice',
  title: 'RET=HDRS for a message left without headers returns an empty header part',
  description: 'header_checks drop every header and cleanup adds none; the peer refuses the recipient (550) and the sender asked RET=HDRS: the notice\'s last part holds the Return-Path line and nothing of the body.',
  sinks: { remote: { faults: [{ kind: 'reply', stage: 'rcpt', reply: '550 5.1.1 <bob@remote.example>: no such user' }] } },
  config: relayToRemote({
    header_checks: 'regexp:$config_directory/header_checks',
    local_header_rewrite_clients: '',
  }, [
    { name: 'header_checks', content: '/^/ IGNORE\n' },
  ]),
  steps: [
    oneMessage({ from: 'nobody@mx.twinpost.test', params: 'RET=HDRS', data: 'Subject: dropped\r\n\r\nthe body stays home\r\n' }),
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' } },
    { kind: 'wait', event: { kind: 'removed' }, count: 2 },
  ],
  expect: {
    events: [{ kind: 'notification', queueId: 'Q1', what: 'sender non-delivery notification', notificationId: 'Q2' }],
    mailboxes: [{
      user: 'nobody', messages: 1, headers: { Subject: 'Undelivered Mail Returned to Sender' },
      bodyIncludes: ['Content-Description: Undelivered Message Headers\nContent-Type: text/rfc822-headers\nContent-Transfer-Encoding: 8bit\n\nReturn-Path: <nobody@mx.twinpost.test>\n\n--'],
    }],
    queue: 'empty',
  },
};
export default scenario;
