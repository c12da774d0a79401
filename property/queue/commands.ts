/**
 * The fast-check commands of the queue model: each one acts on the reference queue
 * (system.ts), waits until qmgr is idle, replays what happened on the model (model.ts) and
 * checks every invariant (invariants.ts). allCommands() is the weighted generator list.
 */
import fc from 'fast-check';
import { checkInvariants } from './invariants.ts';
import { ModelError, type ModelMessage, type QueueModel, type StepKind } from './model.ts';
import type { AddressState, DomainState, QueueSystem } from './system.ts';

export const RECIPIENTS = ['u1@d1.test', 'u2@d1.test', 'u3@d2.test', 'u4@d3.test'];
export const SENDERS = ['', 's1@d4.test', 'u3@d2.test'];
export const DOMAINS = ['d1.test', 'd2.test', 'd3.test', 'd4.test'];

type Cmd = fc.AsyncCommand<QueueModel, QueueSystem>;

abstract class Step implements Cmd {
  check(): boolean {
    return true;
  }

  /** Act on the system; say how qmgr was set going and which message is new. */
  protected abstract act(m: QueueModel, s: QueueSystem): Promise<{ kind: StepKind; fresh?: ModelMessage }>;

  async run(m: QueueModel, s: QueueSystem): Promise<void> {
    const start = { calls: s.calls.length, lines: s.lines.length, gen: s.generation };
    const { kind, fresh } = await this.act(m, s);
    await s.settle();
    m.observeStep(s, start, kind, fresh);
    await checkInvariants(s, m);
  }

  abstract toString(): string;
}

class Inject extends Step {
  constructor(readonly source: 'smtpd' | 'pickup', readonly sender: string, readonly rcpts: string[]) {
    super();
  }
  protected async act(m: QueueModel, s: QueueSystem) {
    const key = `m${m.nextTag++}`;
    const qid = await s.inject(this.source, this.sender, this.rcpts, key);
    const fresh: ModelMessage = {
      key, qid, sender: this.sender, rcpts: new Map(this.rcpts.map((r) => [r, 'queued'])),
      place: 'incoming', nextMs: s.now(), createSec: Math.floor(s.now() / 1000),
    };
    m.add(fresh);
    return { kind: 'wake' as const, fresh };
  }
  toString() {
    return `Inject(${this.source}, <${this.sender}>, ${this.rcpts.join(',')})`;
  }
}

class InjectAborted extends Step {
  protected async act(m: QueueModel, s: QueueSystem) {
    m.abortedFiles++;
    m.counts.crashes++;
    await s.injectAborted();
    return { kind: 'queue-run' as const };
  }
  toString() {
    return 'InjectAborted()';
  }
}

class SetDomain extends Step {
  constructor(readonly domain: string, readonly state: DomainState) {
    super();
  }
  protected async act(_m: QueueModel, s: QueueSystem) {
    s.domains.set(this.domain, this.state);
    return { kind: 'idle' as const };
  }
  toString() {
    return `SetDomain(${this.domain}, ${this.state})`;
  }
}

class SetAddress extends Step {
  constructor(readonly address: string, readonly state: AddressState) {
    super();
  }
  protected async act(_m: QueueModel, s: QueueSystem) {
    s.addresses.set(this.address, this.state);
    return { kind: 'idle' as const };
  }
  toString() {
    return `SetAddress(${this.address}, ${this.state})`;
  }
}

class ArmCrash extends Step {
  protected async act(_m: QueueModel, s: QueueSystem) {
    s.crashArmed = true;
    return { kind: 'idle' as const };
  }
  toString() {
    return 'ArmCrash()';
  }
}

class Flush extends Step {
  protected async act(_m: QueueModel, s: QueueSystem) {
    await s.flush();
    return { kind: 'flush' as const };
  }
  toString() {
    return 'Flush()';
  }
}

class Advance extends Step {
  constructor(readonly seconds: number) {
    super();
  }
  protected async act(_m: QueueModel, s: QueueSystem) {
    await s.advance(this.seconds);
    return { kind: 'queue-run' as const };
  }
  toString() {
    return `Advance(${this.seconds}s)`;
  }
}

class Crash extends Step {
  protected async act(m: QueueModel, s: QueueSystem) {
    m.counts.crashes++;
    await s.restart();
    return { kind: 'queue-run' as const };
  }
  toString() {
    return 'Crash()';
  }
}

type SuperAction = 'hold' | 'release' | 'delete' | 'requeue';

/** postsuper on the pick-th message it applies to (a no-op step when there is none). */
class Postsuper extends Step {
  constructor(readonly action: SuperAction, readonly pick: number) {
    super();
  }
  private candidates(m: QueueModel): ModelMessage[] {
    const live = m.live();
    if (this.action === 'hold') return live.filter((x) => x.place !== 'hold');
    if (this.action === 'release') return live.filter((x) => x.place === 'hold');
    return live;
  }
  protected async act(m: QueueModel, s: QueueSystem) {
    const c = this.candidates(m);
    if (c.length === 0) return { kind: 'idle' as const };
    const target = c[this.pick % c.length]!;
    if (this.action === 'requeue') {
      const qid = await s.requeue(target.qid);
      if (!qid) throw new ModelError(`postsuper -r ${target.qid} (${target.key}) found nothing to requeue`);
      m.rekey(target, qid);
      target.deferLogged = undefined;
      target.place = 'incoming';
      target.nextMs = s.now();
      target.createSec = Math.floor(s.now() / 1000);
      return { kind: 'wake' as const, fresh: target };
    }
    const n = await s.postsuper(this.action, target.qid);
    if (n !== 1) throw new ModelError(`postsuper ${this.action} ${target.qid} (${target.key}) acted on ${n} messages`);
    if (this.action === 'hold') target.place = 'hold';
    else if (this.action === 'release') target.place = 'deferred';
    else m.deleted(target);
    return { kind: 'idle' as const };
  }
  toString() {
    return `Postsuper(${this.action}, #${this.pick})`;
  }
}

export function allCommands(): fc.Arbitrary<Cmd>[] {
  const inject = fc.tuple(
    fc.constantFrom<'smtpd' | 'pickup'>('smtpd', 'pickup'),
    fc.constantFrom(...SENDERS),
    fc.uniqueArray(fc.constantFrom(...RECIPIENTS), { minLength: 1, maxLength: 3 }),
  ).map(([src, sender, rcpts]) => new Inject(src, sender, rcpts));
  const pick = fc.nat({ max: 7 });
  return [
    inject, inject, inject,
    fc.tuple(fc.constantFrom(...DOMAINS), fc.constantFrom<DomainState>('up', 'up', 'refused', 'lost')).map(([d, st]) => new SetDomain(d, st)),
    fc.tuple(fc.constantFrom(...RECIPIENTS, 'u3@d2.test'), fc.constantFrom<AddressState>('ok', 'tempfail', 'permfail')).map(([a, st]) => new SetAddress(a, st)),
    fc.tuple(fc.constantFrom(...RECIPIENTS), fc.constantFrom<AddressState>('ok', 'tempfail')).map(([a, st]) => new SetAddress(a, st)),
    fc.constant(new ArmCrash()),
    fc.constant(new Flush()),
    fc.oneof(fc.constantFrom(60, 299, 300, 600, 1800, 3600, 4000, 7200), fc.integer({ min: 1, max: 9000 })).map((t) => new Advance(t)),
    fc.constantFrom(1, 2, 3).map((x) => new Advance(x * 3600)),
    fc.constant(new Crash()),
    fc.constant(new InjectAborted()),
    fc.tuple(fc.constantFrom<SuperAction>('hold', 'release', 'delete', 'requeue'), pick).map(([a, p]) => new Postsuper(a, p)),
  ];
}
