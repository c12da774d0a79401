import { rateDelayScenario } from './_backlog.ts';

/**
 * <transport>_transport_rate_delay: the transport runs one delivery at a time, whatever the
 * destination, and each starts only when the delay has passed since the agent was asked for
 * it (qmgr_transport.c's rate lock, held until the delivery ends; postconf(5)). Three messages
 * submitted in one session go one after the other, 1 s apart: the first on a connection of its
 * own, the second chosen in the second after the first ended (back to back), so it asks for
 * on-demand caching and the third reuses its connection.
 */

export default rateDelayScenario({
  id: 'qmgr/transport-rate-delay',
  title: 'smtp_transport_rate_delay = 1s: one delivery of the transport at a time, 1 s before each',
  setting: 'smtp_transport_rate_delay',
  what: 'a transport rate delay',
});
