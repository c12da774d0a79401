import type { Scenario, Step } from '../../harness/scenario/types.ts';
import { messageToDomain, NO_RETRY_DURING_RUN, routeDomains } from '../_shared/builders.ts';

/**
 * smtp(8)'s per-transport protocol settings (postconf(5) smtp_never_send_ehlo,
 * smtp_always_send_ehlo, smtp_discard_ehlo_keywords, smtp_quote_rfc821_envelope,
 * smtp_line_length_limit, smtp_skip_5xx_greeting, smtp_helo_timeout, smtp_mail_timeout,
 * smtp_rcpt_timeout, smtp_data_init_timeout), each
 * set with -o on its own master.cf service and reached through transport_maps:
 * smtp_never_send_ehlo = yes greets with HELO, so no ESMTP parameter follows MAIL FROM;
 * smtp_always_send_ehlo = no sends EHLO only when the server's greeting says "ESMTP";
 * smtp_discard_ehlo_keywords hides the listed EHLO keywords (no SIZE=, no pipelining);
 * smtp_quote_rfc821_envelope = no sends a local part with a space unquoted;
 * smtp_line_length_limit folds a longer line into pieces, each after the first starting with
 * a space; smtp_skip_5xx_greeting = no bounces mail when the server greets with 5xx (the
 * default skips the server and defers); smtp_helo_timeout, smtp_mail_timeout,
 * smtp_rcpt_timeout and smtp_data_init_timeout limit the wait for the EHLO, MAIL FROM, RCPT TO
 * and DATA replies, and the recipient is deferred with the stage named.
 */

const ROUTES = {
  'a.example': 'helo:{{sink:plain}}',
  'b.example': 'oldesmtp:{{sink:old}}',
  'c.example': 'nokeywords:{{sink:plain}}',
  'd.example': 'noquote:{{sink:plain}}',
  'e.example': 'short:{{sink:plain}}',
  'f.example': 'strict:{{sink:refuses}}',
  'g.example': 'smtp:{{sink:refuses}}',
  'h.example': 'mailwait:{{sink:slowmail}}',
  'i.example': 'rcptwait:{{sink:slowrcpt}}',
  'j.example': 'helowait:{{sink:slowhelo}}',
  'k.example': 'datawait:{{sink:slowdata}}',
};

/** One message to bob@DOMAIN from SENDER, then a wait for its delivery attempt. */
function send(domain: keyof typeof ROUTES, sender: string, body: string): Step[] {
  return messageToDomain(domain, { from: sender, body });
}

const LONG = 'x'.repeat(30) + ' ' + 'y'.repeat(60);

const scenario: Scenario = {
  id: 'smtp/client-options',
  title: 'HELO only, EHLO on ESMTP greetings only, discarded keywords, unquoted envelope, short lines, 5xx greeting, EHLO, MAIL, RCPT and DATA timeouts',
  description: 'Eleven messages, each through its own smtp service with one setting changed: the peers record the greeting verb, the MAIL FROM parameters, the sender as sent and the folded line; the 5xx greeting and the slow replies show in the delivery lines.',
  sinks: {
    plain: {},
    old: { faults: [{ kind: 'reply', stage: 'connect', reply: '220 old.example mail service ready' }] },
    refuses: { faults: [{ kind: 'reply', stage: 'connect', reply: '554 5.3.2 no service for you' }] },
    slowmail: { faults: [{ kind: 'slow', stage: 'mail', delayMs: 3000 }] },
    slowrcpt: { faults: [{ kind: 'slow', stage: 'rcpt', delayMs: 3000 }] },
    slowhelo: { faults: [{ kind: 'slow', stage: 'helo', delayMs: 3000 }] },
    slowdata: { faults: [{ kind: 'slow', stage: 'data', delayMs: 3000 }] },
  },
  config: routeDomains(ROUTES, {
    main: NO_RETRY_DURING_RUN,
    master: [
      'helo unix - - n - - smtp -o smtp_never_send_ehlo=yes',
      'oldesmtp unix - - n - - smtp -o smtp_always_send_ehlo=no',
      'nokeywords unix - - n - - smtp -o smtp_discard_ehlo_keywords=size,pipelining',
      'noquote unix - - n - - smtp -o smtp_quote_rfc821_envelope=no',
      'short unix - - n - - smtp -o smtp_line_length_limit=70',
      'strict unix - - n - - smtp -o smtp_skip_5xx_greeting=no',
      'mailwait unix - - n - - smtp -o smtp_mail_timeout=1s',
      'rcptwait unix - - n - - smtp -o smtp_rcpt_timeout=1s',
      'helowait unix - - n - - smtp -o smtp_helo_timeout=1s',
      'datawait unix - - n - - smtp -o smtp_data_init_timeout=1s',
    ],
  }),
  steps: [
    ...send('a.example', '', 'helo only'),
    ...send('b.example', '', 'no ESMTP in the greeting'),
    ...send('c.example', '', 'keywords discarded'),
    ...send('d.example', '"a b"@client.example', 'unquoted sender'),
    ...send('e.example', '', LONG),
    ...send('f.example', '', 'bounced at the greeting'),
    ...send('g.example', '', 'deferred at the greeting'),
    ...send('h.example', '', 'slow MAIL reply'),
    ...send('i.example', '', 'slow RCPT reply'),
    ...send('j.example', '', 'slow EHLO reply'),
    ...send('k.example', '', 'slow DATA reply'),
  ],
  expect: {
    deliveries: [
      { sink: 'plain', from: '', to: ['bob@a.example'], mailParams: [], headers: { Subject: 'to a.example' } },
      { sink: 'old', from: '', to: ['bob@b.example'], mailParams: [], headers: { Subject: 'to b.example' } },
      { sink: 'plain', from: '', to: ['bob@c.example'], mailParams: [], headers: { Subject: 'to c.example' } },
      { sink: 'plain', from: 'a b@client.example', to: ['bob@d.example'], headers: { Subject: 'to d.example' } },
      { sink: 'plain', from: '', to: ['bob@e.example'], bodyIncludes: ['x'.repeat(30) + ' ' + 'y'.repeat(39) + '\r\n ' + 'y'.repeat(21) + '\r\n'] },
    ],
    sinkMessages: { plain: 4, old: 1, refuses: 0 },
    events: [
      { kind: 'delivery', to: 'bob@f.example', status: 'bounced', dsn: '5.3.2', text: /refused to talk to me: 554 5\.3\.2 no service for you$/ },
      { kind: 'delivery', to: 'bob@g.example', status: 'deferred', text: /refused to talk to me: 554 5\.3\.2 no service for you$/ },
      { kind: 'delivery', to: 'bob@h.example', status: 'deferred', dsn: '4.4.2', text: /timed out while .*MAIL FROM/ },
      { kind: 'delivery', to: 'bob@i.example', status: 'deferred', dsn: '4.4.2', text: /timed out while .*RCPT TO/ },
      { kind: 'delivery', to: 'bob@j.example', status: 'deferred', dsn: '4.4.2', text: /timed out while performing the EHLO handshake$/ },
      { kind: 'delivery', to: 'bob@k.example', status: 'deferred', dsn: '4.4.2', text: /timed out while sending DATA command$/ },
    ],
    queue: { count: 5 },
  },
};
export default scenario;
