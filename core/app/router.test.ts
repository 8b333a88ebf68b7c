import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { createMemoryLogger } from '../ports/logger.ts';
import { createRouter, type Handlers } from './router.ts';

function routerWith(overrides: Partial<Handlers>, validateOutput = true) {
  const logger = createMemoryLogger();
  const handlers = new Proxy(overrides as Handlers, {
    get: (target, key) => (target as Record<string | symbol, unknown>)[key] ?? (() => { throw new Error('not under test'); }),
  });
  return { router: createRouter(handlers, { logger, validateOutput }), logger };
}

describe('router', () => {
  it('refuses unknown methods', async () => {
    const { router } = routerWith({});
    expect(await router.handle('nope.nothing', {}, { client: 't' })).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    expect(await router.handle('__proto__', {}, { client: 't' })).toMatchObject({ ok: false, error: { code: 'unsupported' } });
  });

  it('validates input before the handler runs and names the field', async () => {
    let ran = false;
    const { router } = routerWith({
      'workspaces.rename': () => {
        ran = true;
        throw new Error('unreachable');
      },
    });
    const result = await router.handle('workspaces.rename', { id: 'w1', name: '   ' }, { client: 't' });
    expect(ran).toBe(false);
    expect(result).toMatchObject({ ok: false, error: { code: 'validation', message: expect.stringContaining('name') } });
  });

  it('returns AppErrors as data and hides unexpected errors behind internal', async () => {
    const { router, logger } = routerWith({
      'workspaces.delete': () => {
        throw new AppError('not_found', 'gone');
      },
      'workspaces.list': () => {
        throw new TypeError('secret internals pat-na1-91fcccbc-3740-4d08-9d10-e31c947d8db1');
      },
    });
    expect(await router.handle('workspaces.delete', { id: 'w1' }, { client: 't' })).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'gone', retryable: false },
    });
    const internal = await router.handle('workspaces.list', {}, { client: 't' });
    expect(internal).toMatchObject({ ok: false, error: { code: 'internal', retryable: true } });
    expect(JSON.stringify(internal)).not.toContain('secret internals');
    expect(logger.lines.join('\n')).toContain('handler failed');
    expect(logger.lines.join('\n')).not.toContain('91fcccbc');
  });

  it('catches handler output that breaks the contract', async () => {
    const { router } = routerWith({ 'workspaces.list': () => ({ workspaces: 'nope' }) as never });
    expect(await router.handle('workspaces.list', {}, { client: 't' })).toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});
