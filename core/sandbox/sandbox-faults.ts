import { z } from 'zod';

/** `timeout`: the request is held and never answered. `reset`: the socket is destroyed. 200: pass through. */
export const FaultEffect = z.union([z.number().int().min(200).max(599), z.literal('timeout'), z.literal('reset')]);
export type FaultEffect = z.infer<typeof FaultEffect>;

export const FaultRule = z
  .object({
    /** Path pattern: `*` matches within one segment, `**` across segments. */
    route: z.string().min(1),
    method: z.string().optional(),
    probability: z.number().min(0).max(1).optional(),
    status: z.array(FaultEffect).min(1).optional(),
    /** Consumed one per matching request; afterwards the rule passes everything through. */
    sequence: z.array(FaultEffect).min(1).optional(),
  })
  .refine((r) => r.sequence !== undefined || (r.probability !== undefined && r.status !== undefined), {
    message: 'a rule needs either "sequence" or both "probability" and "status"',
  });
export type FaultRule = z.infer<typeof FaultRule>;

export const FaultRules = z.object({ rules: z.array(FaultRule) });

interface ActiveRule {
  rule: FaultRule;
  pattern: RegExp;
  position: number;
}

export function routePattern(route: string): RegExp {
  const escaped = route
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('.*');
  return new RegExp(`^${escaped}$`);
}

/** Injected faults, matched in order; the first matching rule decides. */
export function createFaultInjector(random: () => number = Math.random) {
  let active: ActiveRule[] = [];
  return {
    set(rules: FaultRule[]) {
      active = rules.map((rule) => ({ rule, pattern: routePattern(rule.route), position: 0 }));
    },
    rules: () => active.map((a) => a.rule),
    /** The effect for this request, or undefined to serve it normally. */
    pick(method: string, path: string): FaultEffect | undefined {
      for (const entry of active) {
        const { rule } = entry;
        if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
        if (!entry.pattern.test(path)) continue;
        if (rule.sequence) {
          if (entry.position >= rule.sequence.length) return undefined;
          const effect = rule.sequence[entry.position++]!;
          return effect === 200 ? undefined : effect;
        }
        if (random() < (rule.probability ?? 0)) {
          const choices = rule.status!;
          const effect = choices[Math.floor(random() * choices.length)]!;
          return effect === 200 ? undefined : effect;
        }
        return undefined;
      }
      return undefined;
    },
  };
}
export type FaultInjector = ReturnType<typeof createFaultInjector>;
