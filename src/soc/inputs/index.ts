/**
 * @module soc/inputs
 * The SIEM's input registry and control (SOC-16): the syslog listeners of this node, the wanted state of every
 * input in `soc_inputs`, and the routes that start, stop and configure them. The HTTP and `_bulk` inputs ask
 * `isRunning` before taking events.
 */
import { isAppError } from '../../core/errors/index.ts';
import type { IngestSink } from '../contracts.ts';
import type { SocDeps, SocPart } from '../deps.ts';
import type { SiemTotals } from '../health/counters.ts';
import type { ListenAddress } from '../ingest/syslog/index.ts';
import { inputRoutes } from './routes.ts';
import { InputRuntime } from './runtime.ts';
import { createInputService, type InputService } from './service.ts';

export type { InputView } from './schema.ts';
export { INPUT_CHANGED } from './service.ts';

/** The input part of the SOC. */
export interface Inputs extends SocPart {
  readonly service: InputService;
  /** Whether input `id` takes events on this node now. */
  isRunning(id: string): boolean;
  /** The address a syslog listener is bound to on this node, or null. */
  address(id: string): ListenAddress | null;
}

/** Creates the inputs over the platform, the ingest sink and the SIEM's counters. */
export function createInputs(deps: SocDeps & { sink: IngestSink; counters: SiemTotals }): Inputs {
  const { platform } = deps;
  const runtime = new InputRuntime({
    config: platform.config,
    log: platform.log,
    sink: deps.sink,
    counters: deps.counters,
  });
  const service = createInputService({ platform, bus: deps.bus, runtime, counters: deps.counters });
  let hosting = false;
  const unfollow = service.follow(() => hosting);

  return {
    service,
    isRunning: (id) => runtime.isRunning(id),
    address: (id) => runtime.address(id),

    async routes(app) {
      // The HTTP inputs answer isRunning from the rows as soon as the routes exist.
      await service.load();
      await app.register(inputRoutes(service));
    },

    async start() {
      await service.load();
      if (!platform.config.soc.syslog.autostart) return;
      hosting = true;
      for (const id of runtime.ids()) {
        const row = runtime.row(id);
        if (!row?.enabled) continue;
        await runtime.reconcile(id).catch((err: unknown) => {
          // No certificate is the normal state of a platform without TLS: TLS input off, said once.
          if (isAppError(err, 'SOC_INPUT_TLS_NO_CERTIFICATE')) {
            platform.log.info({ id }, 'syslog over TLS is off: the platform has no TLS certificate');
          } else platform.log.warn({ err, id }, 'SIEM input not started on this node');
        });
      }
    },

    async close() {
      hosting = false;
      unfollow();
      await runtime.closeAll();
    },
  };
}
