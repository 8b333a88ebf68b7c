import type { z } from 'zod';
import { MAX_BUNDLE_BYTES, SUPPORT_BUNDLE_FORMAT, SUPPORT_BUNDLE_VERSION, SupportBundle } from '../contract/support.ts';
import { AppError } from '../errors.ts';
import { redactValue } from '../secrets/redact.ts';

const refuse = (fileName: string, why: string, details: Record<string, unknown> = {}) =>
  new AppError('validation', `${fileName} isn't a support bundle Syncdesk can read: ${why}`, { details: { fileName, ...details } });

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(the top level)';
  return `${where}: ${issue.message}`;
}

/**
 * Reads a bundle file: JSON, Syncdesk's format, a version this build reads, and every field as the
 * schema says. Each refusal says which of these failed and where, so a foreign file (an export of
 * something else, a HAR, a CSV) and a damaged bundle get different, specific messages. Whatever
 * passes is redacted again: a bundle edited by hand must not bring a token into this machine's store.
 */
export function readSupportBundle(text: string, fileName = 'The file'): SupportBundle {
  if (Buffer.byteLength(text) > MAX_BUNDLE_BYTES) throw refuse(fileName, `it is larger than ${MAX_BUNDLE_BYTES / 1024 / 1024} MB.`);
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const trimmed = text.trimStart();
    const hint = trimmed.startsWith('<') ? ' (it looks like HTML or XML)' : trimmed.includes(',') && !trimmed.startsWith('{') ? ' (it looks like a CSV file)' : '';
    throw refuse(fileName, `it isn't JSON${hint}. ${error instanceof Error ? error.message : ''}`.trim());
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw refuse(fileName, 'a bundle is a JSON object, and this file holds a JSON ' + (Array.isArray(json) ? 'array.' : `${typeof json}.`));
  const { format, version } = json as { format?: unknown; version?: unknown };
  if (format !== SUPPORT_BUNDLE_FORMAT) {
    const looksLike = 'log' in json && typeof (json as { log?: unknown }).log === 'object' ? ' It looks like a HAR file (a browser network log).' : '';
    throw refuse(fileName, `it has no "format": "${SUPPORT_BUNDLE_FORMAT}" field${format === undefined ? '' : ` (it says "${String(format)}")`}, so it was not written by Syncdesk's Report an issue.${looksLike}`);
  }
  if (typeof version !== 'number' || !Number.isInteger(version)) throw refuse(fileName, 'its "version" is missing or not a whole number.');
  if (version > SUPPORT_BUNDLE_VERSION) {
    throw refuse(fileName, `it was written by a newer Syncdesk (bundle format version ${version}); this version reads version ${SUPPORT_BUNDLE_VERSION}. Update Syncdesk to import it.`, { version });
  }
  if (version < SUPPORT_BUNDLE_VERSION) throw refuse(fileName, `bundle format version ${version} is older than any Syncdesk wrote.`, { version });
  const parsed = SupportBundle.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map(describeIssue);
    const more = parsed.error.issues.length > 5 ? ` (and ${parsed.error.issues.length - 5} more)` : '';
    throw refuse(fileName, `it is damaged or was edited by hand: ${issues.join('; ')}${more}.`, { issues });
  }
  return SupportBundle.parse(redactValue(parsed.data));
}
