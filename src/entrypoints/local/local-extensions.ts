import type { Server } from 'node:http';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Container, ContainerModule } from 'inversify';
import type { EventSourceStats } from '../../adapters/local/batch-handler.js';
import type { EdgePressure } from '../../adapters/local/edge-pressure.js';
import type { StaticHandler } from '../../adapters/local/local-http-api.js';
import type { DevTokenIssuer } from '../../adapters/local/dev-token-issuer.js';
import type { ConnectionGateway } from '../../application/ports/connection-gateway.port.js';
import type { LocalEventApiEndpoints } from './appsync-events.broadcaster.js';
import type { LocalConfig } from './local-config.js';

/** A running event source mapping (stream or queue → handler), as the runtime manages it. */
export interface RunningEventSource {
  readonly name: string;
  start(): void;
  stop(): Promise<void>;
  stats(): EventSourceStats;
  isIdle(): boolean;
}

export interface LocalRuntimeContext {
  readonly container: Container;
  readonly config: LocalConfig;
  readonly server: Server;
  readonly logger: Logger;
  /** The local development issuer: signed tokens for simulated users (the demo). */
  readonly devTokens: DevTokenIssuer;
  /** With `--broadcaster appsync-events`: the stand-in viewers subscribe to (the pages' config.js names it). */
  readonly eventApi: LocalEventApiEndpoints | null;
  /** The HTTP edge's load: a queue consumer paced by it (`pace`) waits while a request spike arrives. */
  readonly edgePressure: EdgePressure;
  /** Adds an event source; the runtime starts it with the others and stops it on shutdown. */
  addEventSource(source: RunningEventSource): void;
  addStaticHandler(handler: StaticHandler): void;
  /** Runs on shutdown, after the event sources stopped. */
  onStop(cleanup: () => Promise<void> | void): void;
}

/**
 * A feature's local wiring: its container bindings (`modules`, e.g. routes, WebSocket
 * actions, adapters) and what it starts once the container exists (`setup`, e.g. the
 * presence queue's event source, static pages).
 */
export interface LocalRuntimeExtension {
  readonly name: string;
  readonly modules?: readonly ContainerModule[];
  setup?(context: LocalRuntimeContext): void | Promise<void>;
}

/**
 * Where a backend comes from: `memory` runs the in-process twins and their event-source
 * emulation; another backend (e.g. `emulators`: DynamoDB Local, kinesalite, fauxqs) binds the
 * ports to its own adapters and feeds the handlers from its own event sources.
 */
export interface LocalBackendInstance {
  readonly description: string;
  /** The live-commerce and abuse ports of this technology; frames for viewers go to `sockets` (the local WebSocket server). */
  ports(sockets: ConnectionGateway): readonly ContainerModule[];
  /**
   * Features this backend runs over its own adapters and event sources: each replaces the
   * runtime's feature of the same name (its in-memory ports, queues and pollers) whole.
   */
  readonly features?: readonly LocalRuntimeExtension[];
  eventSources(context: {
    readonly container: Container;
    readonly config: LocalConfig;
    readonly logger: Logger;
  }): RunningEventSource[];
  stop(): Promise<void>;
}
export type LocalBackend = (config: LocalConfig) => Promise<LocalBackendInstance>;
