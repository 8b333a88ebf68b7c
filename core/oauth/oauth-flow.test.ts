import { afterEach, describe, expect, it } from 'vitest';
import type { OAuthEnded } from '../contract/connections.ts';
import { AppError } from '../errors.ts';
import { createManualClock } from '../ports/clock.ts';
import { createMemoryLogger } from '../ports/logger.ts';
import { createManualSchedule } from '../../test/harness/manual-schedule.ts';
import { createOAuthFlows, type OAuthFlows } from './oauth-flow.ts';
import { pkceChallenge } from './pkce.ts';

let flows: OAuthFlows | undefined;
afterEach(async () => {
  await flows?.close();
  flows = undefined;
});

function setup() {
  const clock = createManualClock();
  const timers = createManualSchedule(clock);
  const opened: string[] = [];
  const ended: OAuthEnded[] = [];
  flows = createOAuthFlows({
    clock,
    logger: createMemoryLogger(),
    openExternal: async (url) => {
      opened.push(url);
    },
    ports: [0],
    schedule: timers.schedule,
  });
  flows.onEnd((e) => ended.push(e));
  return { clock, timers, opened, ended, flows };
}

const callback = async (redirectUri: string, params: Record<string, string>) => {
  const response = await fetch(`${redirectUri}?${new URLSearchParams(params)}`);
  return { status: response.status, body: await response.text() };
};

const authorizeUrl = ({ redirectUri, state, codeChallenge }: { redirectUri: string; state: string; codeChallenge: string }) =>
  `https://auth.example/oauth/authorize?${new URLSearchParams({ redirect_uri: redirectUri, state, code_challenge: codeChallenge })}`;

describe('oauth flows', () => {
  it('opens the browser, checks state and hands the code and PKCE verifier to completion once', async () => {
    const t = setup();
    const seen: Array<{ code: string; codeVerifier: string }> = [];
    const attempt = await t.flows.begin({
      workspaceId: 'w1',
      authorizeUrl,
      complete: async ({ code, codeVerifier }) => {
        seen.push({ code, codeVerifier });
        return 'Connected to portal 101.';
      },
    });
    expect(t.opened).toEqual([attempt.authorizeUrl]);
    const url = new URL(attempt.authorizeUrl);
    expect(url.searchParams.get('redirect_uri')).toBe(attempt.redirectUri);
    expect(attempt.redirectUri).toMatch(/^http:\/\/localhost:\d+\/oauth\/callback$/);
    expect(Date.parse(attempt.expiresAt) - Date.parse(attempt.startedAt)).toBe(10 * 60_000);
    expect(t.flows.pending('w1')).toEqual(attempt);

    // A forged or stale answer doesn't end the attempt.
    const forged = await callback(attempt.redirectUri, { code: 'evil', state: 'not-the-state' });
    expect(forged.status).toBe(400);
    expect(seen).toEqual([]);
    expect(t.flows.pending('w1')).not.toBeNull();

    const done = await callback(attempt.redirectUri, { code: 'good-code', state: url.searchParams.get('state')! });
    expect(done.status).toBe(200);
    expect(done.body).toContain('Connected to portal 101.');
    expect(done.body).toContain('return to Syncdesk');
    expect(seen).toHaveLength(1);
    expect(pkceChallenge(seen[0]!.codeVerifier)).toBe(url.searchParams.get('code_challenge'));
    expect(t.ended).toMatchObject([{ workspaceId: 'w1', outcome: 'connected', message: 'Connected to portal 101.' }]);
    expect(t.flows.pending('w1')).toBeNull();
    // The server is gone with the attempt.
    await expect(fetch(attempt.redirectUri)).rejects.toThrow();
  });

  it('ends declined when the user declines on HubSpot', async () => {
    const t = setup();
    const attempt = await t.flows.begin({ workspaceId: 'w1', authorizeUrl, complete: async () => 'never' });
    const state = new URL(attempt.authorizeUrl).searchParams.get('state')!;
    const page = await callback(attempt.redirectUri, { error: 'access_denied', error_description: 'The user denied access', state });
    expect(page.body).toContain('declined');
    expect(t.ended).toMatchObject([{ outcome: 'declined', message: expect.stringContaining('nothing was connected') }]);
  });

  it('closes the window after ten minutes', async () => {
    const t = setup();
    const attempt = await t.flows.begin({ workspaceId: 'w1', authorizeUrl, complete: async () => 'never' });
    t.timers.advance(9 * 60_000);
    expect(t.ended).toEqual([]);
    t.timers.advance(60_000);
    expect(t.ended).toMatchObject([{ outcome: 'expired', message: expect.stringContaining('10 minutes') }]);
    expect(t.flows.pending('w1')).toBeNull();
    await expect(fetch(attempt.redirectUri)).rejects.toThrow();
  });

  it('refuses a code that arrives after the window even if the timer was late', async () => {
    const t = setup();
    let completed = false;
    const attempt = await t.flows.begin({
      workspaceId: 'w1',
      authorizeUrl,
      complete: async () => {
        completed = true;
        return 'x';
      },
    });
    t.clock.advance(10 * 60_000 + 1); // the clock moved, the timer hasn't fired
    const page = await callback(attempt.redirectUri, { code: 'late', state: new URL(attempt.authorizeUrl).searchParams.get('state')! });
    expect(page.status).toBe(410);
    expect(completed).toBe(false);
    expect(t.ended).toMatchObject([{ outcome: 'expired' }]);
  });

  it('refuses a second concurrent attempt with a clear message, and allows one after cancel', async () => {
    const t = setup();
    await t.flows.begin({ workspaceId: 'w1', authorizeUrl, complete: async () => 'x' });
    await expect(t.flows.begin({ workspaceId: 'w2', authorizeUrl, complete: async () => 'x' })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('Another HubSpot authorization is already waiting (workspace w1'),
    });
    expect(t.flows.cancel('w2')).toBe(false);
    expect(t.flows.cancel('w1')).toBe(true);
    expect(t.ended).toMatchObject([{ workspaceId: 'w1', outcome: 'cancelled' }]);
    const next = await t.flows.begin({ workspaceId: 'w2', authorizeUrl, complete: async () => 'x' });
    expect(next.workspaceId).toBe('w2');
  });

  it('reports a refused completion on the page and in the event, without a stack', async () => {
    const t = setup();
    const attempt = await t.flows.begin({
      workspaceId: 'w1',
      authorizeUrl,
      complete: async () => {
        throw new AppError('conflict', 'This workspace belongs to portal 101, but these credentials are for portal 202.');
      },
    });
    const page = await callback(attempt.redirectUri, { code: 'c', state: new URL(attempt.authorizeUrl).searchParams.get('state')! });
    expect(page.status).toBe(400);
    expect(page.body).toContain('belongs to portal 101');
    expect(t.ended).toMatchObject([{ outcome: 'failed', error: { code: 'conflict' } }]);
  });

  it('keeps the attempt when the browser could not be opened: the UI offers the link', async () => {
    const clock = createManualClock();
    flows = createOAuthFlows({
      clock,
      logger: createMemoryLogger(),
      openExternal: async () => {
        throw new Error('no browser');
      },
      ports: [0],
      schedule: createManualSchedule(clock).schedule,
    });
    const attempt = await flows.begin({ workspaceId: 'w1', authorizeUrl, complete: async () => 'x' });
    await new Promise((r) => setTimeout(r, 5));
    expect(flows.pending('w1')).toEqual(attempt);
  });
});
