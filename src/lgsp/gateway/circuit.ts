/**
 * @module lgsp/gateway/circuit
 * A circuit breaker per destination: after `failures` consecutive failed calls the circuit opens and calls
 * are refused at once for `cooldownMs`; then one probe call is let through (half-open): success closes the
 * circuit, failure opens it for another cool-down. Per node and in memory: a destination that fails on one
 * node is tried again by each node on its own, which is what a breaker is for (protecting this node's
 * sockets and callers' time), not a cluster-wide state.
 */

interface State {
  consecutive: number;
  openUntil: number;
  probing: boolean;
}

/** What `allow` decided. */
export type CircuitDecision = { allowed: true; probe: boolean } | { allowed: false; retryAfterMs: number };

/** Breakers for every destination of this node. */
export class CircuitBreakers {
  private readonly states = new Map<string, State>();

  constructor(private readonly options: { failures: number; cooldownMs: number; now?: () => number }) {}

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  /** May a call go to `id` now? A half-open circuit lets exactly one probe through. */
  allow(id: string): CircuitDecision {
    const s = this.states.get(id);
    if (!s || s.consecutive < this.options.failures) return { allowed: true, probe: false };
    const now = this.now();
    if (now < s.openUntil) return { allowed: false, retryAfterMs: s.openUntil - now };
    if (s.probing) return { allowed: false, retryAfterMs: 1000 };
    s.probing = true;
    return { allowed: true, probe: true };
  }

  /** Records a call's outcome. */
  record(id: string, ok: boolean): void {
    let s = this.states.get(id);
    if (ok) {
      if (s) this.states.delete(id);
      return;
    }
    if (!s) {
      s = { consecutive: 0, openUntil: 0, probing: false };
      this.states.set(id, s);
    }
    s.consecutive++;
    s.probing = false;
    if (s.consecutive >= this.options.failures) s.openUntil = this.now() + this.options.cooldownMs;
  }

  /** A probe that ended without an outcome (the caller went away) frees the half-open slot. */
  release(id: string): void {
    const s = this.states.get(id);
    if (s) s.probing = false;
  }

  /** True when calls to `id` are being refused. */
  isOpen(id: string): boolean {
    const s = this.states.get(id);
    return !!s && s.consecutive >= this.options.failures && this.now() < s.openUntil;
  }
}
