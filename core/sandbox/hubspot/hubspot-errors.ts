import crypto from 'node:crypto';
import type { SandboxResponse } from '../sandbox-http.ts';

/**
 * HubSpot's error bodies. Real bodies are compact JSON with the keys in this order: status, message,
 * correlationId, then errors/context/links, then category and subCategory (hubspot-api-facts §1.1).
 * The response wrapper copies `correlationId` into the `X-HubSpot-Correlation-Id` header.
 */
export interface ErrorDetail {
  message: string;
  code?: string;
  context?: Record<string, string[]>;
  subCategory?: string;
}

export interface ErrorExtras {
  errors?: ErrorDetail[];
  context?: Record<string, string[]>;
  links?: Record<string, string>;
  subCategory?: string;
}

/** Thrown by handlers; the provider turns it into the response it carries. */
export class HubSpotError extends Error {
  readonly response: SandboxResponse;
  constructor(response: SandboxResponse) {
    super(typeof (response.body as { message?: unknown })?.message === 'string' ? (response.body as { message: string }).message : `HTTP ${response.status}`);
    this.response = response;
  }
}

export function errorBody(message: string, category: string, extras: ErrorExtras = {}): Record<string, unknown> {
  const body: Record<string, unknown> = { status: 'error', message, correlationId: crypto.randomUUID() };
  if (extras.errors) body.errors = extras.errors;
  if (extras.context) body.context = extras.context;
  if (extras.links) body.links = extras.links;
  body.category = category;
  if (extras.subCategory) body.subCategory = extras.subCategory;
  return body;
}

export function fail(status: number, message: string, category: string, extras?: ErrorExtras): never {
  throw new HubSpotError({ status, body: errorBody(message, category, extras) });
}

export function validationError(message: string, extras?: ErrorExtras): never {
  return fail(400, message, 'VALIDATION_ERROR', extras);
}

/** One rejected property value, as HubSpot lists it inside "Property values were not valid: [...]". */
export interface PropertyProblem {
  name: string;
  code: string;
  message: string;
}

/**
 * The VALIDATION_ERROR body for invalid property values: the legacy JSON array inside `message`
 * (every problem, with localizedErrorMessage and portalId as in the docs' example) and one `errors[]`
 * entry per problem with `code` and `context.propertyName` (hubspot-api-facts §1.3).
 */
export function propertyValuesBody(problems: PropertyProblem[], portalId: number): Record<string, unknown> {
  const legacy = problems.map((p) => ({
    isValid: false,
    message: p.message,
    error: p.code,
    name: p.name,
    localizedErrorMessage: p.message,
    portalId,
  }));
  return errorBody(`Property values were not valid: ${JSON.stringify(legacy)}`, 'VALIDATION_ERROR', {
    errors: problems.map((p) => ({ message: p.message, code: p.code, context: { propertyName: [p.name] } })),
  });
}

export function invalidPropertyValues(problems: PropertyProblem[], portalId: number): never {
  throw new HubSpotError({ status: 400, body: propertyValuesBody(problems, portalId) });
}

/** A batch's per-item error (`StandardError` in the specs). */
export function standardError(category: string, message: string, context: Record<string, string[]>, extras: { errors?: ErrorDetail[]; subCategory?: string } = {}): Record<string, unknown> {
  const error: Record<string, unknown> = { status: 'error', category };
  if (extras.subCategory) error.subCategory = extras.subCategory;
  error.message = message;
  error.context = context;
  error.errors = extras.errors ?? [];
  error.links = {};
  return error;
}
