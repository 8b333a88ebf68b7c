import type { Db } from '../store/database.ts';
import type { MigrationSet } from '../store/migrations.ts';
import type { SandboxClock } from './sandbox-clock.ts';
import type { SandboxRequest, SandboxResponse } from './sandbox-http.ts';

/** What every provider simulation gets from the server. */
export interface SandboxContext {
  db: Db;
  clock: SandboxClock;
  /** Base URL of this sandbox, e.g. http://127.0.0.1:4010 (for links, OAuth redirects, `url` fields). */
  baseUrl(): string;
}

/**
 * One simulated provider (HubSpot, Stripe). The server offers each request to the providers in
 * turn; the first that returns a response owns it.
 */
export interface SandboxProvider {
  name: string;
  /** Tables of this provider in the sandbox's SQLite file. */
  migrations: MigrationSet;
  /** Answers a request it owns, or returns undefined to let the next provider try. */
  handle(req: SandboxRequest): Promise<SandboxResponse | undefined> | SandboxResponse | undefined;
  /**
   * Every record of a type in API shape (archived/deleted included), for `GET /__sandbox/state/<type>`;
   * undefined if the type isn't this provider's. `query` is the request's (e.g. `?portalId=`).
   */
  state(type: string, query?: URLSearchParams): unknown[] | undefined;
  /** Admin routes of this provider under /__sandbox/ (e.g. `POST tokens`); undefined if not its route. */
  admin?(req: SandboxRequest, route: string): Promise<SandboxResponse | undefined> | SandboxResponse | undefined;
  /** The body this provider would send for an injected status on one of its routes (e.g. HubSpot's 429 body). */
  faultResponse?(req: SandboxRequest, status: number): SandboxResponse | undefined;
  /** Deletes every record. */
  reset(): void;
}
