import { ABSENT, type Scenario } from '../../harness/scenario/types.ts';
import { oneMessage, withAliases } from '../_shared/builders.ts';

/**
 * How local(8) stops alias loops and duplicates (alias.c, recipient.c, mailbox.c). Every step
 * of a delivery counts one nesting level (recipient, switch, alias, resolve: four per alias
 * hop), and an alias met past level 100 bounces with 5.4.6 "alias database loop for NAME" and
 * a warning: the 26th alias of a chain (deep25), and loop1 → loop2 → loop1 … at loop2. A name
 * in its own alias's expansion is not expanded again ("self: self, daemon": self goes to the
 * mailbox and is unknown, daemon gets the mail). Duplicates within one expansion are delivered
 * once, case and domain aside ("twice: sys, SYS, sys@mx…"). Mail to mailer-daemon without an
 * alias is discarded with "required alias not found". Written for the mutation campaign: none
 * of this had a scenario. The sender is <> so the bounces make no notices.
 */

const scenario: Scenario = {
  id: 'local/alias-loops',
  title: 'alias loops, self-references, duplicates and the nesting limit',
  description: 'A 106-alias chain bounces at deep25, loop1/loop2 at loop2, a self-naming alias delivers to its other member and bounces itself as unknown, duplicates are delivered once, mailer-daemon without an alias is discarded.',
  config: withAliases('loop1: loop2\nloop2: loop1\nself: self, daemon\ntwice: sys, SYS, sys@mx.twinpost.test\nshallow0: shallow1\nshallow1: shallow2\nshallow2: bin\ndeep0: deep1\ndeep1: deep2\ndeep2: deep3\ndeep3: deep4\ndeep4: deep5\ndeep5: deep6\ndeep6: deep7\ndeep7: deep8\ndeep8: deep9\ndeep9: deep10\ndeep10: deep11\ndeep11: deep12\ndeep12: deep13\ndeep13: deep14\ndeep14: deep15\ndeep15: deep16\ndeep16: deep17\ndeep17: deep18\ndeep18: deep19\ndeep19: deep20\ndeep20: deep21\ndeep21: deep22\ndeep22: deep23\ndeep23: deep24\ndeep24: deep25\ndeep25: deep26\ndeep26: deep27\ndeep27: deep28\ndeep28: deep29\ndeep29: deep30\ndeep30: deep31\ndeep31: deep32\ndeep32: deep33\ndeep33: deep34\ndeep34: deep35\ndeep35: deep36\ndeep36: deep37\ndeep37: deep38\ndeep38: deep39\ndeep39: deep40\ndeep40: deep41\ndeep41: deep42\ndeep42: deep43\ndeep43: deep44\ndeep44: deep45\ndeep45: deep46\ndeep46: deep47\ndeep47: deep48\ndeep48: deep49\ndeep49: deep50\ndeep50: deep51\ndeep51: deep52\ndeep52: deep53\ndeep53: deep54\ndeep54: deep55\ndeep55: deep56\ndeep56: deep57\ndeep57: deep58\ndeep58: deep59\ndeep59: deep60\ndeep60: deep61\ndeep61: deep62\ndeep62: deep63\ndeep63: deep64\ndeep64: deep65\ndeep65: deep66\ndeep66: deep67\ndeep67: deep68\ndeep68: deep69\ndeep69: deep70\ndeep70: deep71\ndeep71: deep72\ndeep72: deep73\ndeep73: deep74\ndeep74: deep75\ndeep75: deep76\ndeep76: deep77\ndeep77: deep78\ndeep78: deep79\ndeep79: deep80\ndeep80: deep81\ndeep81: deep82\ndeep82: deep83\ndeep83: deep84\ndeep84: deep85\ndeep85: deep86\ndeep86: deep87\ndeep87: deep88\ndeep88: deep89\ndeep89: deep90\ndeep90: deep91\ndeep91: deep92\ndeep92: deep93\ndeep93: deep94\ndeep94: deep95\ndeep95: deep96\ndeep96: deep97\ndeep97: deep98\ndeep98: deep99\ndeep99: deep100\ndeep100: deep101\ndeep101: deep102\ndeep102: deep103\ndeep103: deep104\ndeep104: deep105\ndeep105: nobody\n'),
  steps: [
    oneMessage({
      from: '',
      to: ['loop1@mx.twinpost.test', 'self@mx.twinpost.test', 'twice@mx.twinpost.test', 'shallow0@mx.twinpost.test', 'deep0@mx.twinpost.test'],
      rcptReply: '250 2.1.5',
      data: 'From: alice@client.example\r\nSubject: loops\r\n\r\nHi.\r\n',
    }),
    { kind: 'sendmail', args: ['-f', 'alice@mx.twinpost.test', 'mailer-daemon'], message: 'Subject: to mailer-daemon\n\nHi.\n' },
    { kind: 'wait', event: { kind: 'removed' }, count: 2 },
  ],
  expect: {
    events: [
      { kind: 'warning', text: 'alias database loop for deep25' },
      { kind: 'delivery', to: 'deep25@mx.twinpost.test', origTo: 'deep0@mx.twinpost.test', status: 'bounced', dsn: '5.4.6', text: 'alias database loop for deep25' },
      { kind: 'warning', text: 'alias database loop for loop2' },
      { kind: 'delivery', to: 'loop2@mx.twinpost.test', origTo: 'loop1@mx.twinpost.test', status: 'bounced', dsn: '5.4.6', text: 'alias database loop for loop2' },
      { kind: 'delivery', to: 'self@mx.twinpost.test', origTo: ABSENT, status: 'bounced', dsn: '5.1.1', text: 'unknown user: "self"' },
      { kind: 'delivery', to: 'daemon@mx.twinpost.test', origTo: 'self@mx.twinpost.test', status: 'sent', text: 'delivered to mailbox' },
      { kind: 'delivery', to: 'bin@mx.twinpost.test', origTo: 'shallow0@mx.twinpost.test', status: 'sent' },
      { kind: 'delivery', to: 'sys@mx.twinpost.test', origTo: 'twice@mx.twinpost.test', status: 'sent', count: 1 },
      { kind: 'warning', text: 'required alias not found: mailer-daemon' },
      { kind: 'delivery', to: 'mailer-daemon@mx.twinpost.test', status: 'sent', dsn: '2.0.0', text: 'discarded' },
    ],
    noEvents: [{ kind: 'delivery', to: 'SYS@mx.twinpost.test' }, { kind: 'delivery', to: 'nobody@mx.twinpost.test' }],
    queue: 'empty',
  },
};
export default scenario;

