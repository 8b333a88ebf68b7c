import type Stripe from 'stripe';
import type { Catalogue } from '../catalogue/catalogue.ts';
import type { MirrorMode, MirrorSettings, Provider } from '../contract/mirror.ts';
import type { HubSpotGateway } from '../hubspot/hubspot-gateway.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { MirrorStore } from './mirror-store.ts';
import type { RecordWriter } from './record-writer.ts';
import type { RecordError } from './run-log.ts';

/** Counts of one stream in one run; `add` also reports progress. */
export interface StreamCounter {
  fetched: number;
  created: number;
  updated: number;
  deleted: number;
  add(delta: Partial<Record<'fetched' | 'created' | 'updated' | 'deleted', number>>): void;
}

/** Where a stream's unfinished work is, saved with every stored page (in the same transaction). */
export interface Checkpoint {
  get<T>(): T | undefined;
  save(value: unknown): void;
  clear(): void;
}

/** What a stream gets to do its work in one run. */
export interface StreamContext {
  workspaceId: string;
  runId: number;
  /** What the operator asked for; a stream never synced (or mid-way through a full) runs full anyway. */
  requested: MirrorMode;
  store: MirrorStore;
  /** Where pages of CRM records go (a worker thread for file databases). */
  writer: RecordWriter;
  catalogue: Catalogue;
  settings: MirrorSettings;
  clock: Clock;
  logger: Logger;
  signal: AbortSignal;
  hubspot(): Promise<HubSpotGateway>;
  stripe(): Promise<Stripe | null>;
  counter: StreamCounter;
  checkpoint: Checkpoint;
  /** Logs a record-level failure in the run log (the run goes on). */
  recordError(error: Omit<RecordError, 'stream' | 'provider'>): void;
  /** Retries a provider call on rate limits and transient failures, within the run. */
  retry<T>(call: () => Promise<T>): Promise<T>;
  /** Per-run memo shared by streams (what ran in which mode, the Stripe events pass…). */
  shared: Map<string, unknown>;
}

export interface StreamResult {
  mode: 'full' | 'incremental';
  /** The cursor after the run, epoch ms; null: the stream keeps none. */
  cursor: number | null;
  resumed?: boolean;
  warning?: string;
}

/**
 * One mirrored stream, declared: what it is, what it needs, and how it runs. A new CRM object
 * type (tickets, a custom object) is one `crmObjectStream({...})` line in `hubspot-streams.ts`.
 */
export interface StreamDefinition {
  name: string;
  provider: Provider;
  label: string;
  /** The CRM object type it stores, if any (browse, reconciliation, resync). */
  objectType: string | null;
  /** Scopes it needs (named in the warning when HubSpot refuses without naming them). */
  scopes: string[];
  run(ctx: StreamContext): Promise<StreamResult>;
}
