import { AsyncLocalStorage } from 'node:async_hooks';
import { Client } from '@hubspot/api-client';
import type { Logger } from '../ports/logger.ts';
import { redact } from '../secrets/redact.ts';
import { classifyHubSpotError } from './classify-error.ts';
import type { RequestBudget, RequestKind } from './request-budget.ts';
import type { HubSpotAuthKind } from './tiers.ts';
import { createTimeoutAgent } from './timeout-agent.ts';

export const HUBSPOT_API_BASE = 'https://api.hubapi.com';

export interface HubSpotCredentials {
  accessToken: string;
  kind: HubSpotAuthKind;
}

/** Where the gateway gets tokens. The connection owns refresh discipline; the gateway only asks. */
export interface TokenSource {
  /** A token that is valid now (an OAuth token is refreshed before it expires). */
  current(): Promise<HubSpotCredentials>;
  /** HubSpot answered 401 for this token. True: retry once with a fresh one. False: give up. */
  rejected(used: HubSpotCredentials): Promise<boolean>;
}

/** One HTTP exchange, as recorded for job attempts and support bundles (bodies redacted, no headers with secrets). */
export interface Exchange {
  method: string;
  /** Path and query, without the host. */
  url: string;
  status: number;
  durationMs: number;
  at: string;
  requestBody?: string;
  responseBody?: string;
  /** For failures without a response (timeout, reset). */
  error?: string;
}

export interface CallOptions {
  /** `search` also counts against the search endpoints' 5/s. */
  kind?: RequestKind;
  signal?: AbortSignal;
  /** Receives every exchange the call makes (job attempts record them). */
  record?: (exchange: Exchange) => void;
}

export interface HubSpotGatewayOptions {
  /** https://api.hubapi.com, or a sandbox portal's URL. */
  baseUrl: string;
  tokens: TokenSource;
  budget: RequestBudget;
  logger: Logger;
  /** Per-request inactivity timeout (default 30 s). */
  timeoutMs?: number;
}

interface CallScope {
  record?: ((exchange: Exchange) => void) | undefined;
  started: number;
  method: string;
  url: string;
  requestBody?: string;
}

const MAX_RECORDED_BODY = 64 * 1024;
const clip = (text: string) => redact(text.length > MAX_RECORDED_BODY ? `${text.slice(0, MAX_RECORDED_BODY)}…` : text);

export type HubSpotGateway = ReturnType<typeof createHubSpotGateway>;

/**
 * The only way core talks to HubSpot: the real @hubspot/api-client, pointed at `baseUrl`, with
 * Syncdesk's own request budget (the SDK's retry and limiter decorators are a process-wide singleton
 * and ignore Retry-After, so they stay off), one classification of failures into SPEC §4's codes,
 * a request timeout, one token retry after a 401, and recording of exchanges when asked.
 */
export function createHubSpotGateway(options: HubSpotGatewayOptions) {
  const { budget, tokens, logger } = options;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const agent = createTimeoutAgent(baseUrl, timeoutMs);
  const scopes = new AsyncLocalStorage<CallScope>();

  // Sees every request and response the typed APIs make, errors included.
  const middleware = [
    {
      pre(ctx: unknown) {
        const scope = scopes.getStore();
        const request = ctx as { getUrl(): string; getHttpMethod(): string; getBody(): unknown };
        if (scope) {
          const url = new URL(request.getUrl());
          scope.method = String(request.getHttpMethod());
          scope.url = `${url.pathname}${url.search}`;
          const body = request.getBody();
          if (scope.record && typeof body === 'string') scope.requestBody = clip(body);
          scope.started = Date.now();
        }
        return ctx;
      },
      async post(ctx: unknown) {
        const response = ctx as { httpStatusCode: number; headers: Record<string, string>; body: { text(): Promise<string> } };
        budget.observe(response.headers);
        const scope = scopes.getStore();
        if (scope?.record) {
          scope.record({
            method: scope.method,
            url: scope.url,
            status: response.httpStatusCode,
            durationMs: Date.now() - scope.started,
            at: new Date(scope.started).toISOString(),
            ...(scope.requestBody !== undefined ? { requestBody: scope.requestBody } : {}),
            responseBody: clip(await response.body.text()),
          });
        }
        return ctx;
      },
    },
  ];

  let client: Client | undefined;
  let clientToken: string | undefined;
  const clientFor = (accessToken: string): Client => {
    if (!client || clientToken !== accessToken) {
      // numberOfApiCallRetries and limiterOptions stay unset: retries and pacing are ours.
      client = new Client({ accessToken, basePath: baseUrl, httpAgent: agent, middleware });
      clientToken = accessToken;
    }
    return client;
  };

  async function call<T>(name: string, fn: (client: Client) => Promise<T>, callOptions: CallOptions = {}): Promise<T> {
    const kind = callOptions.kind ?? 'standard';
    for (let attempt = 0; ; attempt++) {
      const credentials = await tokens.current();
      const settle = await budget.acquire(kind, callOptions.signal);
      const scope: CallScope = { record: callOptions.record, started: Date.now(), method: '', url: name };
      try {
        const value = await scopes.run(scope, () => fn(clientFor(credentials.accessToken)));
        settle();
        return value;
      } catch (raw) {
        settle();
        const error = classifyHubSpotError(raw);
        const gotResponse = typeof raw === 'object' && raw !== null && typeof (raw as { code?: unknown }).code === 'number' && 'body' in raw;
        if (callOptions.record && !gotResponse) {
          // No response came back (timeout, reset): still worth a line in the attempt's record.
          callOptions.record({
            method: scope.method || 'POST',
            url: scope.url,
            status: 0,
            durationMs: Date.now() - scope.started,
            at: new Date(scope.started).toISOString(),
            error: error.message,
          });
        }
        if (error.code === 'rate_limited') budget.throttle(String(error.details?.policy ?? ''));
        if (error.code === 'auth_expired' && error.details?.status === 401 && attempt === 0 && (await tokens.rejected(credentials))) continue;
        logger.debug('hubspot call failed', { call: name, code: error.code, status: error.details?.status });
        throw error;
      }
    }
  }

  /** For endpoints the SDK has no typed API for (account info, private-app token info). */
  async function request<T>(name: string, init: { method: string; path: string; body?: unknown; qs?: Record<string, string> }, callOptions: CallOptions = {}): Promise<T> {
    return call(
      name,
      async (c) => {
        const started = Date.now();
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(Object.assign(new Error(`no answer from HubSpot within ${timeoutMs} ms`), { code: 'ESOCKETTIMEDOUT' })), timeoutMs);
        });
        try {
          const response = await Promise.race([c.apiRequest({ method: init.method, path: init.path, body: init.body, ...(init.qs ? { qs: init.qs } : {}) }), timeout]);
          const headers: Record<string, string> = {};
          response.headers.forEach((value, key) => {
            headers[key.toLowerCase()] = value;
          });
          budget.observe(headers);
          const text = await response.text();
          callOptions.record?.({
            method: init.method,
            url: init.path,
            status: response.status,
            durationMs: Date.now() - started,
            at: new Date(started).toISOString(),
            ...(init.body !== undefined ? { requestBody: clip(JSON.stringify(init.body)) } : {}),
            responseBody: clip(text),
          });
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            // Non-JSON bodies (gateway HTML) stay text for the classifier.
          }
          if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { code: response.status, body, headers });
          return body as T;
        } finally {
          clearTimeout(timer);
        }
      },
      callOptions,
    );
  }

  return {
    baseUrl,
    budget,
    call,
    request,
    close() {
      agent.destroy();
    },
  };
}
