import crypto from 'node:crypto';
import type { OAuthAttempt, OAuthEnded, OAuthOutcome } from '../contract/connections.ts';
import { AppError, toErrorData } from '../errors.ts';
import { type Clock, isoAt } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { OpenExternal } from '../ports/open-external.ts';
import { type CallbackPage, callbackPorts, LoopbackServer } from './loopback-server.ts';
import { createOAuthState, createPkcePair, sameState } from './pkce.ts';

export const OAUTH_WINDOW_MS = 10 * 60_000;

/** Runs `fn` after `ms`; returns a canceller. Tests pass one driven by a manual clock. */
export type Schedule = (ms: number, fn: () => void) => () => void;

const realSchedule: Schedule = (ms, fn) => {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

export interface OAuthFlowDeps {
  clock: Clock;
  logger: Logger;
  openExternal: OpenExternal;
  /** Redirect ports tried in order (default: $SYNCDESK_OAUTH_PORTS, else 42813, 42814, 42815). */
  ports?: readonly number[];
  windowMs?: number;
  schedule?: Schedule;
}

export interface BeginOAuthInput {
  workspaceId: string;
  /** Builds the authorize URL once the redirect URI, state and PKCE challenge are known. */
  authorizeUrl(parts: { redirectUri: string; state: string; codeChallenge: string }): string;
  /**
   * Exchanges the code and checks everything (portal, scopes); stores the connection only when all
   * of it holds. Throws an AppError to refuse. Resolves to the success message for the browser.
   */
  complete(parts: { code: string; codeVerifier: string; redirectUri: string }): Promise<string>;
}

interface Attempt {
  view: OAuthAttempt;
  state: string;
  verifier: string;
  server: LoopbackServer;
  phase: 'waiting' | 'completing' | 'ended';
  cancelTimer: () => void;
  input: BeginOAuthInput;
}

/**
 * Browser authorizations through a loopback redirect (RFC 8252): one at a time per process (the
 * redirect ports are few and shared), `state` and PKCE checked, a 10-minute window. Whatever
 * happens (approved, declined, wrong answer, window closed, cancelled) the attempt ends exactly
 * once, with a message, and its server closes.
 */
export function createOAuthFlows(deps: OAuthFlowDeps) {
  const { clock, logger } = deps;
  const windowMs = deps.windowMs ?? OAUTH_WINDOW_MS;
  const schedule = deps.schedule ?? realSchedule;
  const listeners = new Set<(ended: OAuthEnded) => void>();
  let current: Attempt | undefined;
  let starting = false;

  function end(attempt: Attempt, outcome: OAuthOutcome, message: string, error?: unknown): void {
    if (attempt.phase === 'ended') return;
    attempt.phase = 'ended';
    attempt.cancelTimer();
    if (current === attempt) current = undefined;
    void attempt.server.close({ graceful: true });
    logger.info('oauth attempt ended', { workspaceId: attempt.view.workspaceId, attemptId: attempt.view.attemptId, outcome });
    const ended: OAuthEnded = {
      workspaceId: attempt.view.workspaceId,
      attemptId: attempt.view.attemptId,
      outcome,
      message,
      ...(error !== undefined ? { error: toErrorData(error) } : {}),
    };
    for (const listener of [...listeners]) {
      try {
        listener(ended);
      } catch (e) {
        logger.error('oauth listener failed', { error: e });
      }
    }
  }

  const expiredMessage = () => `The authorization window closed after ${Math.round(windowMs / 60_000)} minutes without an answer from HubSpot. Nothing was connected; start again when you're ready.`;

  function expireIfOverdue(attempt: Attempt): boolean {
    if (attempt.phase !== 'waiting' || clock.now() < Date.parse(attempt.view.expiresAt)) return false;
    end(attempt, 'expired', expiredMessage());
    return true;
  }

  async function onCallback(attempt: Attempt, query: URLSearchParams): Promise<CallbackPage> {
    if (attempt.phase === 'ended') {
      return { status: 410, title: 'This authorization has ended', message: 'Syncdesk is no longer waiting for it. Start again from Syncdesk if you still want to connect.', tone: 'error' };
    }
    if (!sameState(attempt.state, query.get('state'))) {
      // Not ours (an old tab, or a forged request): the real answer may still come, so keep waiting.
      logger.warn('oauth callback with a wrong state ignored', { attemptId: attempt.view.attemptId });
      return {
        status: 400,
        title: "This answer isn't for Syncdesk's current authorization",
        message: 'It may come from an older attempt. Return to Syncdesk: it is still waiting, or start again from there.',
        tone: 'error',
      };
    }
    if (attempt.phase === 'completing') {
      return { status: 409, title: 'Already being finished', message: 'Syncdesk is finishing this authorization in another tab.', tone: 'error' };
    }
    if (expireIfOverdue(attempt)) return { status: 410, title: 'The authorization window closed', message: expiredMessage(), tone: 'error' };

    const error = query.get('error');
    if (error) {
      const description = query.get('error_description') ?? error;
      if (error === 'access_denied') {
        const message = 'You declined the authorization in HubSpot, so nothing was connected.';
        end(attempt, 'declined', message);
        return { status: 200, title: 'Authorization declined', message, tone: 'error' };
      }
      const message = `HubSpot did not authorize Syncdesk: ${description}. Nothing was connected.`;
      end(attempt, 'failed', message, new AppError('unauthorized', message, { details: { oauthError: error } }));
      return { status: 400, title: 'HubSpot did not authorize Syncdesk', message, tone: 'error' };
    }
    const code = query.get('code');
    if (!code) {
      return { status: 400, title: 'The answer has no authorization code', message: 'Return to Syncdesk and start again.', tone: 'error' };
    }

    attempt.phase = 'completing';
    attempt.cancelTimer();
    try {
      const message = await attempt.input.complete({ code, codeVerifier: attempt.verifier, redirectUri: attempt.view.redirectUri });
      end(attempt, 'connected', message);
      return { status: 200, title: 'Connected to HubSpot', message, tone: 'success' };
    } catch (e) {
      const message = e instanceof AppError ? e.message : 'Syncdesk could not finish the authorization. Nothing was connected; try again.';
      if (!(e instanceof AppError)) logger.error('oauth completion failed', { error: e });
      end(attempt, 'failed', message, e);
      return { status: 400, title: "Couldn't connect HubSpot", message, tone: 'error' };
    }
  }

  return {
    /** Starts an attempt: binds the loopback callback, opens the browser, and returns at once. */
    async begin(input: BeginOAuthInput): Promise<OAuthAttempt> {
      if (current) expireIfOverdue(current);
      if (current || starting) {
        const other = current?.view;
        throw new AppError(
          'conflict',
          other
            ? `Another HubSpot authorization is already waiting (${other.workspaceId === input.workspaceId ? 'this workspace' : `workspace ${other.workspaceId}`}, until ${new Date(other.expiresAt).toLocaleTimeString()}). Finish it in the browser or cancel it first.`
            : 'Another HubSpot authorization is starting. Wait a moment and try again.',
          { details: other ? { attemptId: other.attemptId, workspaceId: other.workspaceId } : {} },
        );
      }
      starting = true;
      try {
        const state = createOAuthState();
        const pkce = createPkcePair();
        // The server exists before the attempt it answers for; a callback that early is refused.
        const slot: { attempt?: Attempt } = {};
        const server = await LoopbackServer.start({
          ports: deps.ports ?? callbackPorts(),
          onCallback: (query) =>
            slot.attempt ? onCallback(slot.attempt, query) : Promise.resolve({ status: 503, title: 'Not ready', message: 'Try again in a moment.', tone: 'error' as const }),
        });
        const startedAt = clock.now();
        let authorizeUrl: string;
        try {
          authorizeUrl = input.authorizeUrl({ redirectUri: server.redirectUri, state, codeChallenge: pkce.challenge });
        } catch (error) {
          await server.close();
          throw error;
        }
        const started: Attempt = {
          view: {
            attemptId: crypto.randomUUID(),
            workspaceId: input.workspaceId,
            authorizeUrl,
            redirectUri: server.redirectUri,
            startedAt: isoAt(startedAt),
            expiresAt: isoAt(startedAt + windowMs),
          },
          state,
          verifier: pkce.verifier,
          server,
          phase: 'waiting',
          cancelTimer: () => {},
          input,
        };
        slot.attempt = started;
        started.cancelTimer = schedule(windowMs, () => {
          if (started.phase === 'waiting') end(started, 'expired', expiredMessage());
        });
        current = started;
        logger.info('oauth attempt started', { workspaceId: input.workspaceId, attemptId: started.view.attemptId, port: server.port });
        // The renderer offers the same URL as a link, so a browser that didn't open is not fatal.
        deps.openExternal(authorizeUrl).catch((error: unknown) => logger.warn('could not open the browser for authorization', { error }));
        return started.view;
      } finally {
        starting = false;
      }
    },

    /** Cancels the waiting attempt of a workspace (the Cancel button). False if none was waiting. */
    cancel(workspaceId: string): boolean {
      if (!current || current.view.workspaceId !== workspaceId || current.phase !== 'waiting') return false;
      end(current, 'cancelled', 'Authorization cancelled. Nothing was connected.');
      return true;
    },

    pending(workspaceId: string): OAuthAttempt | null {
      if (current) expireIfOverdue(current);
      return current && current.view.workspaceId === workspaceId && current.phase !== 'ended' ? current.view : null;
    },

    onEnd(listener: (ended: OAuthEnded) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** Ends any attempt (host shutting down). */
    async close(): Promise<void> {
      const attempt = current;
      if (attempt && attempt.phase !== 'ended') end(attempt, 'cancelled', 'Syncdesk is shutting down; the authorization was cancelled.');
      await attempt?.server.close();
    },
  };
}

export type OAuthFlows = ReturnType<typeof createOAuthFlows>;
