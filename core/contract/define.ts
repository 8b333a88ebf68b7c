import type { z } from 'zod';

export interface MethodDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
}

/** Declares a group of contract methods; keeps the literal keys and schema types. */
export function defineMethods<const T extends Record<string, MethodDefinition>>(methods: T): T {
  return methods;
}

/** Declares a group of pushed events (`domain.onDidX`) with their payload schemas. */
export function defineEvents<const T extends Record<string, z.ZodType>>(events: T): T {
  return events;
}
