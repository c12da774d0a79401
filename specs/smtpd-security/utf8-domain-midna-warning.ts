import type { Scenario } from '../../harness/scenario/types.ts';
import { FUZZ_SINK, fuzzMailConfig } from '../../harness/fuzz/smtpd-config.ts';

/**
 * midna_domain.c midna_domain_to_ascii_create() (Postfix 3.7.11): with smtputf8_enable,
 * trivial-rewrite checks a non-ASCII domain by converting it to its A-label form; when that
 * form is no valid hostname ('bücher.example>' from a quoted sender "<s@bücher.example>") it
 * warns 'Problem translating domain "..." to ASCII form: malformed ASCII label(s)', and smtpd
 * answers "501 5.1.7 Bad sender address syntax" (smtpd_check_addr()). The process keeps the
 * result in its cache, so the same name again brings no second warning.
 *
 * Found by `twinpost fuzz smtpd --seed 1` (path 753, whose session has bytes that are not
 * UTF-8 and so cannot be a scenario's send text); written by hand from it.
 */
const scenario: Scenario = {
  id: 'smtpd-security/utf8-domain-midna-warning',
  title: 'a UTF-8 domain whose A-label form is no hostname: one trivial-rewrite warning, 501',
  description: 'Two sessions give MAIL FROM:"<s@bücher.example>"; both get 501 5.1.7, trivial-rewrite warns once.',
  sinks: { [FUZZ_SINK]: {} },
  config: fuzzMailConfig(),
  steps: [
    {
      kind: 'smtp',
      name: 'first',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:"<s@bücher.example>"', expect: { code: 501, text: '5.1.7 Bad sender address syntax' } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    {
      kind: 'smtp',
      name: 'second',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:"<s@bücher.example>"', expect: { code: 501, text: '5.1.7 Bad sender address syntax' } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' }, count: 2 },
  ],
  expect: {
    events: [{ kind: 'warning', text: 'midna_domain_to_ascii_create: Problem translating domain "bücher.example>" to ASCII form: malformed ASCII label(s)', count: 1 }],
    noEvents: [{ kind: 'delivery' }],
    queue: 'empty',
  },
};
export default scenario;
