/**
 * What toRunResult (harness/scenario/report.ts) records of a scenario's configuration in
 * ScenarioResult.observations.config, for the HTML report's diagrams: the main.cf parameters
 * the scenario set, the whole master.cf the target was given (the harness's base services plus
 * the scenario's extra lines; the smtpd port shown as <port>, as the normaliser masks ports),
 * and the names of its map files.
 */
import type { MailConfig } from '../../targets/types.ts';
import { baseMasterCf } from '../../targets/config-dir.ts';
import type { ConfigView } from './observations.ts';

const PORT_MASK = 0;

export function reportConfig(config: MailConfig): ConfigView {
  const base = baseMasterCf(PORT_MASK).map((l) => l.replace(`:${PORT_MASK} `, ':<port> '));
  return {
    main: { ...config.main },
    master: [...base, ...(config.master ?? [])],
    maps: (config.maps ?? []).map((m) => m.name),
  };
}
