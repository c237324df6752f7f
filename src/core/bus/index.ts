/**
 * @module core/bus
 * Public surface of the event bus: in-process delivery always, PostgreSQL LISTEN/NOTIFY across nodes
 * when the database is PostgreSQL. `BusTransport` is where NATS JetStream will be added.
 */
export {
  BUS_RECONNECTED,
  type Bus,
  type BusDeps,
  type BusHandler,
  type BusOptions,
  type BusStatus,
  type BusTransport,
  createBus,
  type Delivery,
  type JsonValue,
  MAX_MESSAGE_BYTES,
} from './bus.ts';
