import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * ESMTP parameter syntax as smtpd(8) 3.7.11 checks it (mail_cmd(), rcpt_cmd()):
 * SIZE= must be all digits (501 5.5.4 "Bad message size syntax") and fit an off_t (552 5.3.4;
 * 2^63-1 fits and is then over message_size_limit);
 * BODY= takes 7BIT and 8BITMIME only; RET= is FULL or HDRS, once (501 5.5.4 "Bad RET parameter
 * syntax"); ENVID= is xtext (RFC 3461 section 4) whose decoded text is printable ASCII, once
 * (501 5.5.4 "Bad ENVID parameter syntax"); NOTIFY= is NEVER or a list of SUCCESS, FAILURE,
 * DELAY, once (an unknown word is also logged as a warning); ORCPT= is "addr-type;xtext", once
 * (501 5.5.4 "Error: Bad ORCPT parameter syntax"); anything else is 555 5.5.4 "Unsupported
 * option". Names and values are case-insensitive. ENVID and ORCPT are stored decoded and
 * encoded again on the way out: the next hop sees ENVID= as xtext (ENVID before RET), and the
 * recipient a peer defers keeps its decoded ORCPT in the queue file.
 */
const DSN_PEER = ['PIPELINING', 'SIZE', '8BITMIME', 'ENHANCEDSTATUSCODES', 'DSN'];
const MAIL = 'MAIL FROM:<alice@client.example>';
const RCPT = 'RCPT TO:<bob@remote.example>';
const badSize = { code: 501, text: '5.5.4 Bad message size syntax' };
const badRet = { code: 501, text: '5.5.4 Bad RET parameter syntax' };
const badEnvid = { code: 501, text: '5.5.4 Bad ENVID parameter syntax' };
const badNotify = { code: 501, text: '5.5.4 Error: Bad NOTIFY parameter syntax' };
const badOrcpt = { code: 501, text: '5.5.4 Error: Bad ORCPT parameter syntax' };

const scenario: Scenario = {
  id: 'smtpd-security/esmtp-parameters',
  title: 'MAIL and RCPT parameter syntax: SIZE, BODY, RET, ENVID, NOTIFY, ORCPT, duplicates and unknown ones',
  description: 'Each malformed, duplicated or unknown parameter gets its own 501/552/555 reply; well-formed ENVID and ORCPT are decoded, stored and encoded again for the next hop.',
  sinks: { remote: { extensions: DSN_PEER, faults: [{ kind: 'reply', stage: 'rcpt', reply: '450 4.2.0 Try later', recipients: ['carol@remote.example'] }] } },
  config: {
    main: {
      transport_maps: 'texthash:$config_directory/transport', smtp_connection_cache_on_demand: 'no',
      smtpd_soft_error_limit: '100', smtpd_hard_error_limit: '100',
    },
    maps: [{ name: 'transport', content: 'remote.example smtp:{{sink:remote}}\n' }],
  },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: `${MAIL} SIZE=`, expect: badSize },
        { command: `${MAIL} SIZE=12a`, expect: badSize },
        { command: `${MAIL} SIZE=-1`, expect: badSize },
        { command: `${MAIL} SIZE=99999999999999999999`, expect: { code: 552, text: '5.3.4 Message size exceeds file system imposed limit' } },
        // the largest off_t still fits (off_cvt_string()); message_size_limit refuses it then
        { command: `${MAIL} SIZE=9223372036854775807`, expect: { code: 552, text: '5.3.4 Message size exceeds fixed limit' } },
        { command: `${MAIL} SIZE=9223372036854775808`, expect: { code: 552, text: '5.3.4 Message size exceeds file system imposed limit' } },
        { command: `${MAIL} BODY=BINARYMIME`, expect: { code: 555, text: '5.5.4 Unsupported option: BODY=BINARYMIME' } },
        { command: `${MAIL} BODY=`, expect: { code: 555, text: '5.5.4 Unsupported option: BODY=' } },
        { command: `${MAIL} RET=NONE`, expect: badRet },
        { command: `${MAIL} RET=`, expect: badRet },
        { command: `${MAIL} RET=FULL ret=hdrs`, expect: badRet },
        { command: `${MAIL} ENVID=`, expect: badEnvid },
        { command: `${MAIL} ENVID=abc+2`, expect: badEnvid },
        { command: `${MAIL} ENVID=abc+zz`, expect: badEnvid },
        { command: `${MAIL} ENVID=a+0Ab`, expect: badEnvid },
        { command: `${MAIL} ENVID=a+C3+A9`, expect: badEnvid },
        { command: `${MAIL} ENVID=one envid=two`, expect: badEnvid },
        { command: `${MAIL} XVERP`, expect: { code: 555, text: '5.5.4 Unsupported option: XVERP' } },
        { command: `${MAIL} FOO=BAR`, expect: { code: 555, text: '5.5.4 Unsupported option: FOO=BAR' } },
        { command: `${MAIL} ENVID=${'x'.repeat(150)}`, expect: 250 },
        { command: 'RSET', expect: 250 },
        { command: `${MAIL} body=8bitmime size=10 smtputf8 ret=full envid=a=b`, expect: 250 },
        { command: `${RCPT} NOTIFY=`, expect: badNotify },
        { command: `${RCPT} NOTIFY=BOGUS`, expect: badNotify },
        { command: `${RCPT} NOTIFY=NEVER,SUCCESS`, expect: badNotify },
        { command: `${RCPT} NOTIFY=SUCCESS NOTIFY=FAILURE`, expect: badNotify },
        { command: `${RCPT} ORCPT=rfc822`, expect: badOrcpt },
        { command: `${RCPT} ORCPT=;bob@remote.example`, expect: badOrcpt },
        { command: `${RCPT} ORCPT=rfc822;bob+4@remote.example`, expect: badOrcpt },
        { command: `${RCPT} ORCPT=utf-8;\\x{110000}`, expect: badOrcpt },
        { command: `${RCPT} ORCPT=rfc822;a@b ORCPT=rfc822;c@d`, expect: badOrcpt },
        { command: `${RCPT} FOO`, expect: { code: 555, text: '5.5.4 Unsupported option: FOO' } },
        { command: 'RSET', expect: 250 },
        { command: `${MAIL} RET=hdrs ENVID=QQ+2B1+3d2`, expect: 250 },
        { command: `${RCPT} notify=success,,delay ORCPT=rfc822;bob+2Bx@remote.example`, expect: 250 },
        { command: 'RCPT TO:<carol@remote.example> ORCPT=X-Type;c+2Bd=e NOTIFY=never', expect: 250 },
        { data: 'Subject: dsn parameters\r\n\r\nHello.\r\n', expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait-sink', sink: 'remote', messages: 1 },
    { kind: 'wait', event: { kind: 'delivery', status: 'deferred' } },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    deliveries: [{ sink: 'remote', from: 'alice@client.example', to: ['bob@remote.example'], mailParams: [/^SIZE=\d+$/, 'ENVID=QQ+2B1+3D2', 'RET=HDRS'] }],
    events: [{ kind: 'warning', text: 'unknown DSN NOTIFY command value "BOGUS" in "BOGUS"' }],
    queue: { count: 1 },
  },
};
export default scenario;
