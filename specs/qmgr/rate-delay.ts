import { rateDelayScenario } from './_backlog.ts';

/**
 * <transport>_destination_rate_delay: the destination gets one delivery at a time (its
 * concurrency limit becomes 1) and after each delivery qmgr pauses it for the delay before the
 * next (qmgr_transport.c, qmgr_queue_suspend() from qmgr_entry.c, postconf(5)). Three messages
 * submitted in one session therefore go one after the other: the first on a connection of its
 * own, the next back to back with the end of the pause, so qmgr asks for on-demand caching and
 * the third reuses the second's cached connection (a pause of 1 s is within
 * smtp_connection_cache_time_limit).
 */

export default rateDelayScenario({
  id: 'qmgr/rate-delay',
  title: 'smtp_destination_rate_delay = 1s: one delivery at a time, a pause between them',
  setting: 'smtp_destination_rate_delay',
  what: 'a destination rate delay',
});
