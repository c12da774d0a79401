/**
 * trivial-rewrite as master starts it (registry command "trivial-rewrite", e.g. master.cf's
 * `rewrite unix … trivial-rewrite`): the shared in-process service also answers Postfix's
 * protocol on the entry's socket, so outside clients (real Postfix tools, the harness,
 * benchmarks) can ask it as they ask Postfix.
 */
import { multiServerDaemon } from '../../skeleton/multi-server.ts';
import type { ReferenceDaemon } from '../master/shared.ts';
import { serveTrivialRewrite } from './server.ts';

export const trivialRewriteDaemon: ReferenceDaemon = multiServerDaemon(({ services }, socket) => serveTrivialRewrite(socket, services.rewrite));
