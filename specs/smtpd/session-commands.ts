import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * Session-level switches of smtpd(8) (postconf(5) smtpd_noop_commands,
 * smtpd_discard_ehlo_keywords, disable_vrfy_command). A command named in smtpd_noop_commands
 * gets "250 2.0.0 Ok" and nothing else (it is not counted in the "disconnect from" statistics);
 * the EHLO keywords in smtpd_discard_ehlo_keywords are left out of the EHLO reply (logged as
 * "discarding EHLO keywords: ..." unless the list has "silent-discard"); with
 * disable_vrfy_command = yes VRFY is not offered and is answered 502 5.5.1.
 */
const scenario: Scenario = {
  id: 'smtpd/session-commands',
  title: 'smtpd_noop_commands, smtpd_discard_ehlo_keywords and disable_vrfy_command',
  description: 'XYZZY is a no-op, the EHLO reply lacks PIPELINING, DSN and VRFY, and VRFY is refused.',
  config: {
    main: {
      smtpd_noop_commands: 'xyzzy',
      smtpd_discard_ehlo_keywords: 'pipelining, dsn',
      disable_vrfy_command: 'yes',
    },
  },
  steps: [
    {
      kind: 'smtp', name: 'switches',
      dialog: [
        { command: 'EHLO client.example', expect: { code: 250, text: 'mx.twinpost.test\nSIZE 10240000\nETRN\nENHANCEDSTATUSCODES\n8BITMIME\nSMTPUTF8\nCHUNKING' } },
        { command: 'XYZZY plugh', expect: { code: 250, text: '2.0.0 Ok' } },
        { command: 'VRFY nobody', expect: { code: 502, text: '5.5.1 VRFY command is disabled' } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [{ kind: 'disconnect', count: 1 }],
    queue: 'empty',
  },
};
export default scenario;
