import type { Scenario } from '../../harness/scenario/types.ts';
import { ABSENT } from '../../harness/scenario/types.ts';
import { oneMessage, relayToRemote, withAliases } from '../_shared/builders.ts';

/**
 * A forwarded copy that cleanup does not take (local(8) local.c and forward.c, cleanup(8)
 * virtual_alias_expansion_limit): the alias fwd forwards to carol@remote.example, which
 * virtual_alias_maps expands into three addresses, over virtual_alias_expansion_limit = 2.
 * cleanup logs "unreasonable virtual_alias_maps map expansion size for carol@remote.example --
 * message not accepted, try again later" and refuses the copy as a temporary error, one it does
 * not bounce itself; local(8) then logs nothing for fwd@ — no "forwarded as", no deferral — and
 * only leaves the recipient unfinished, so qmgr keeps the message in the deferred queue without
 * a reason. Written for the mutation campaign: no scenario made cleanup refuse a forwarded copy.
 */
const scenario: Scenario = {
  id: 'local/forward-refused-by-cleanup',
  title: 'a forwarded copy cleanup refuses for a while: no log line for the recipient, the message deferred',
  description: 'fwd@ is an alias for carol@remote.example, which virtual_alias_maps expands over virtual_alias_expansion_limit: cleanup warns and refuses the copy, local logs nothing for fwd@, the message waits in the deferred queue with no delay reason.',
  sinks: { remote: {} },
  config: withAliases('fwd: carol@remote.example\n', relayToRemote({
    virtual_alias_maps: 'texthash:$config_directory/virtual',
    virtual_alias_expansion_limit: '2',
  }, [
    { name: 'virtual', content: 'carol@remote.example a@remote.example, b@remote.example, c@remote.example\n' },
  ])),
  steps: [
    oneMessage({
      from: 'nobody@mx.twinpost.test',
      to: 'fwd@mx.twinpost.test',
      rcptReply: '250 2.1.5',
      data: 'From: nobody@mx.twinpost.test\r\nSubject: expansion\r\n\r\nHi.\r\n',
    }),
    { kind: 'wait', event: { kind: 'warning', service: 'cleanup', text: /unreasonable virtual_alias_maps map expansion size/ } },
    { kind: 'queue', expect: { count: 1, entries: [{ queue_name: 'deferred', recipients: [{ address: 'fwd@mx.twinpost.test', delay_reason: ABSENT }] }] } },
  ],
  expect: {
    sinkMessages: { remote: 0 },
    events: [
      { kind: 'warning', service: 'cleanup', text: /^Q2: unreasonable virtual_alias_maps map expansion size for carol@remote\.example -- message not accepted, try again later$/ },
    ],
    noEvents: [{ kind: 'delivery', to: 'fwd@mx.twinpost.test' }, { kind: 'removed', queueId: 'Q1' }],
    mailboxes: [],
    queue: { count: 1, entries: [{ queue_name: 'deferred', sender: 'nobody@mx.twinpost.test', recipients: [{ address: 'fwd@mx.twinpost.test', delay_reason: ABSENT }] }] },
  },
};
export default scenario;
