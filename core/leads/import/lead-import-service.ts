import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { EventBus } from '../../app/event-bus.ts';
import {
  type ColumnAssignment,
  type CsvPiece,
  type CsvSettings,
  type CustomField,
  type CustomFieldType,
  FULL_NAME_TARGET,
  IMPORT_CHUNK_BYTES,
  type ImportPreview,
  type ImportStatus,
  type LeadProblem,
  type LeadValues,
  MAX_VALUE_LENGTH,
  STANDARD_LEAD_FIELDS,
  type StandardLeadField,
} from '../../contract/leads.ts';
import { AppError } from '../../errors.ts';
import { type Clock, isoAt } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { Db } from '../../store/database.ts';
import { createTextDecoder } from '../csv/csv-encoding.ts';
import { type CsvRecord, readCsvRecords } from '../csv/csv-reader.ts';
import { toCsv, UTF8_BOM } from '../csv/csv-writer.ts';
import { SORT_INDEXES, STANDARD_FIELD_BY_KEY } from '../lead-fields.ts';
import { type LeadService, yieldToEventLoop } from '../lead-service.ts';
import { validateLead } from '../lead-validation.ts';
import { importTargets, normalizeHeader, suggestFromValues, suggestTargets } from './column-suggestions.ts';
import { isBlankRecord, PREVIEW_ROWS, sampleCsvFile } from './csv-preview.ts';

export interface LeadImportDeps {
  leads: LeadService;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  /** Where uploaded files are staged until they are imported: `<data>/tmp/imports`. */
  stagingDir: string;
}

/** A transaction holds the write lock at most this long before the import yields. */
const SLICE_MS = 25;
const SLICE_MAX_ROWS = 2000;
const PROGRESS_EVERY_MS = 200;
/** From this many rows (and at least as many as the workspace has), sort indexes are rebuilt once at the end instead of updated per row. */
const BULK_ROWS = 10_000;
const READ_CHUNK_BYTES = 256 * 1024;
const FLAGGED_ROWS_LISTED = 200;
const REPORT_VALUE_CHARS = 1000;
const REPORT_PIECE_ROWS = 5000;
const EXPORT_PIECE_ROWS = 2000;
const IMPORTS_KEPT = 20;
const STALE_STAGING_MS = 24 * 60 * 60 * 1000;

interface ImportJob {
  status: ImportStatus;
  file: string;
  /** Staged here from uploaded chunks (removed when done); else a file the CLI named. */
  staged: boolean;
  cancelRequested: boolean;
  running?: Promise<ImportStatus>;
}

class ImportCancelled extends Error {}

export interface ImportOutcome {
  status: ImportStatus;
}

export type LeadImportService = ReturnType<typeof createLeadImportService>;

export function createLeadImportService(deps: LeadImportDeps) {
  const { leads, events, clock, logger } = deps;
  const jobs = new Map<string, ImportJob>();
  const running = new Set<string>();

  removeStaleStagedFiles();

  function removeStaleStagedFiles() {
    if (!fs.existsSync(deps.stagingDir)) return;
    for (const name of fs.readdirSync(deps.stagingDir)) {
      const file = path.join(deps.stagingDir, name);
      try {
        if (clock.now() - fs.statSync(file).mtimeMs > STALE_STAGING_MS) fs.rmSync(file, { force: true });
      } catch {
        // Another host may be cleaning the same folder.
      }
    }
  }

  function job(importId: string): ImportJob {
    const found = jobs.get(importId);
    if (!found) throw new AppError('not_found', `There is no import ${importId} in progress. Start the import again.`);
    return found;
  }

  function publish(j: ImportJob) {
    events.emit('leads.onDidImportProgress', { ...j.status, flaggedRows: [...j.status.flaggedRows] });
  }

  function newStatus(importId: string, workspaceId: string, fileName: string, bytesTotal: number): ImportStatus {
    return {
      importId,
      workspaceId,
      fileName,
      state: 'staging',
      bytesTotal,
      bytesDone: 0,
      rowsDone: 0,
      rowsTotalEstimate: 0,
      rowsPerSecond: 0,
      elapsedMs: 0,
      imported: 0,
      flagged: 0,
      skipped: 0,
      flaggedRows: [],
    };
  }

  const removeStaged = (j: ImportJob) => {
    if (j.staged) fs.rmSync(j.file, { force: true });
  };

  function signatureOf(headers: readonly string[]): string {
    return crypto.createHash('sha256').update(headers.map(normalizeHeader).join('\u001f')).digest('hex');
  }

  function rememberedTargets(db: Db): Map<string, string | null> {
    const rows = db.prepare('select header, target from lead_import_header_targets').all() as Array<{ header: string; target: string | null }>;
    return new Map(rows.map((r) => [r.header, r.target]));
  }

  async function preview(importId: string, overrides: Partial<CsvSettings> = {}): Promise<ImportPreview> {
    const j = job(importId);
    if (j.status.state === 'staging' && fs.statSync(j.file).size < j.status.bytesTotal) {
      throw new AppError('conflict', `The file isn't fully uploaded yet (${fs.statSync(j.file).size} of ${j.status.bytesTotal} bytes).`);
    }
    const { db } = leads.open(j.status.workspaceId);
    const fields = leads.listFields(j.status.workspaceId);
    const sample = await sampleCsvFile(j.file, overrides, fields);
    const targets = importTargets(fields);
    const validTargets = new Set(targets.map((t) => t.key));

    let assignmentSource: ImportPreview['assignmentSource'] = 'suggested';
    let chosen: Array<string | null> | undefined;
    if (sample.settings.hasHeader) {
      const row = db.prepare('select assignments from lead_import_mappings where signature = ?').get(signatureOf(sample.headers)) as
        | { assignments: string }
        | undefined;
      if (row) {
        const saved = JSON.parse(row.assignments) as Array<string | null>;
        if (saved.length === sample.headers.length) {
          chosen = saved.map((t) => (t && validTargets.has(t) ? t : null));
          assignmentSource = 'remembered';
        }
      }
    }
    if (!chosen) {
      const byHeader = sample.settings.hasHeader ? suggestTargets(sample.headers, fields, rememberedTargets(db)) : sample.headers.map(() => null);
      const values = sample.headers.map((_, i) =>
        sample.dataRecords
          .slice(0, 20)
          .map((r) => (r.cells[i] ?? '').trim())
          .filter(Boolean),
      );
      chosen = suggestFromValues(byHeader, values);
    }

    return {
      importId,
      fileName: j.status.fileName,
      bytes: fs.statSync(j.file).size,
      detected: sample.detected,
      settings: sample.settings,
      columns: sample.headers.map((header, index) => ({
        index,
        header,
        samples: sample.dataRecords
          .map((r) => (r.cells[index] ?? '').trim())
          .filter(Boolean)
          .slice(0, 3)
          .map((v) => v.slice(0, 200)),
      })),
      rows: sample.dataRecords.slice(0, PREVIEW_ROWS).map((r) => ({
        rowNumber: r.rowNumber,
        cells: r.cells.map((c) => c.slice(0, 500)),
        ...(r.quoteProblem ? { problem: quoteMessage(r.quoteProblem) } : {}),
      })),
      estimatedRows: sample.estimatedRows,
      assignments: chosen.map((target, column) => ({ column, target })),
      assignmentSource,
      targets,
      warnings: sample.warnings,
    };
  }

  function quoteMessage(problem: NonNullable<CsvRecord['quoteProblem']>): string {
    return problem === 'unbalanced'
      ? 'A quote in this row never closes; the row was read without quotes. Check its values.'
      : 'A quoted value in this row contains a stray quote. Check its values.';
  }

  /** Checks the assignments against the columns and fields, creating the custom fields asked for. */
  function resolveAssignments(
    workspaceId: string,
    headers: readonly string[],
    assignments: readonly ColumnAssignment[],
    newFields: ReadonlyArray<{ column: number; label: string; type: CustomFieldType }>,
  ): Array<string | null> {
    const byColumn: Array<string | null> = headers.map(() => null);
    for (const a of assignments) {
      if (a.column >= headers.length) throw new AppError('validation', `assignments: the file has no column ${a.column + 1}.`);
      byColumn[a.column] = a.target;
    }
    const valid = new Set(importTargets(leads.listFields(workspaceId)).map((t) => t.key));
    for (const [column, target] of byColumn.entries()) {
      if (target && !valid.has(target) && !newFields.some((f) => f.column === column)) {
        throw new AppError('validation', `Column "${headers[column]}" goes to "${target}", which is not a lead field. Choose a field or ignore the column.`);
      }
    }
    for (const f of newFields) {
      if (f.column >= headers.length) throw new AppError('validation', `newFields: the file has no column ${f.column + 1}.`);
      const field = leads.createField({ workspaceId, label: f.label, type: f.type, options: [] });
      byColumn[f.column] = field.key;
    }
    const seen = new Map<string, number>();
    for (const [column, target] of byColumn.entries()) {
      if (!target) continue;
      const other = seen.get(target);
      if (other !== undefined) {
        throw new AppError('validation', `Columns "${headers[other]}" and "${headers[column]}" both go to the same field. Ignore one of them.`);
      }
      seen.set(target, column);
    }
    if (byColumn.every((t) => t === null)) throw new AppError('validation', 'Every column is ignored: assign at least one column to a lead field.');
    return byColumn;
  }

  function splitFullName(value: string): { first: string; last: string } {
    const text = value.trim().replace(/\s+/g, ' ');
    const comma = text.indexOf(',');
    if (comma > 0) return { last: text.slice(0, comma).trim(), first: text.slice(comma + 1).trim() };
    const space = text.lastIndexOf(' ');
    return space > 0 ? { first: text.slice(0, space), last: text.slice(space + 1) } : { first: text, last: '' };
  }

  const labelOf = (fields: readonly CustomField[], key: string) =>
    STANDARD_FIELD_BY_KEY.get(key as StandardLeadField)?.label ?? fields.find((f) => f.key === key)?.label ?? (key === 'row' ? 'Row' : key);

  /**
   * Imports every row of the file in core: transactions of at most SLICE_MS, yielding between them
   * so other calls (and the operator scrolling the list) get through. Rows with problems are
   * imported and flagged; cancelling or failing removes what this import added.
   */
  async function execute(j: ImportJob, settings: CsvSettings, targetsByColumn: Array<string | null>, headerCount: number) {
    const { workspaceId, importId } = j.status;
    const { db, store } = leads.open(workspaceId);
    const ctx = leads.validationContext(workspaceId);
    const started = performance.now();
    const at = isoAt(clock.now());
    db.prepare(
      `insert into lead_imports (id, file_name, state, settings, assignments, started_at) values (?, ?, 'running', ?, ?, ?)
       on conflict (id) do update set state = 'running', settings = excluded.settings, assignments = excluded.assignments`,
    ).run(importId, j.status.fileName, JSON.stringify(settings), JSON.stringify(targetsByColumn), at);
    db.prepare(
      `delete from lead_imports where id not in (select id from lead_imports order by started_at desc limit ${IMPORTS_KEPT}) and state <> 'running'`,
    ).run();
    const insertProblem = db.prepare(
      'insert into lead_import_problems (import_id, row_number, line, lead_id, field, problem, value) values (?, ?, ?, ?, ?, ?, ?)',
    );

    const bulk = j.status.rowsTotalEstimate >= BULK_ROWS && j.status.rowsTotalEstimate >= store.count({});
    if (bulk) for (const index of SORT_INDEXES) db.exec(`drop index if exists ${index.name}`);

    let longestSliceMs = 0;
    let longestIndexMs = 0;
    let lastProgress = 0;
    const progress = (force = false) => {
      const now = performance.now();
      if (!force && now - lastProgress < PROGRESS_EVERY_MS) return;
      lastProgress = now;
      const s = j.status;
      s.elapsedMs = Math.round(now - started);
      s.rowsPerSecond = s.elapsedMs > 0 ? Math.round((s.rowsDone * 1000) / s.elapsedMs) : 0;
      if (s.bytesDone > 0 && s.state === 'running') s.rowsTotalEstimate = Math.max(s.rowsDone, Math.round((s.rowsDone * s.bytesTotal) / s.bytesDone));
      if (s.rowsPerSecond > 0 && s.state === 'running') s.etaMs = Math.round(((s.rowsTotalEstimate - s.rowsDone) * 1000) / s.rowsPerSecond);
      else delete s.etaMs;
      publish(j);
    };

    const status = j.status;
    let headerPending = settings.hasHeader;

    const report = (record: CsvRecord, leadId: number | null, field: string, problem: string, value: string) => {
      insertProblem.run(importId, record.rowNumber, record.line, leadId, labelOf(ctx.fields, field), problem, value.slice(0, REPORT_VALUE_CHARS));
    };

    const importRecord = (record: CsvRecord, created: number[]) => {
      if (headerPending) {
        if (!isBlankRecord(record)) headerPending = false;
        return;
      }
      if (isBlankRecord(record)) {
        status.skipped++;
        return;
      }
      status.rowsDone++;
      const values: LeadValues & { custom: Record<string, string> } = { custom: {} };
      const rowProblems: LeadProblem[] = [];
      let fullName: string | undefined;
      targetsByColumn.forEach((target, column) => {
        if (!target) return;
        let value = record.cells[column] ?? '';
        if (value.length > MAX_VALUE_LENGTH) {
          rowProblems.push({ field: target, code: 'truncated', message: `${labelOf(ctx.fields, target)} was cut to ${MAX_VALUE_LENGTH.toLocaleString('en-US')} characters.` });
          value = value.slice(0, MAX_VALUE_LENGTH);
        }
        if (target === FULL_NAME_TARGET) fullName = value;
        else if ((STANDARD_LEAD_FIELDS as readonly string[]).includes(target)) values[target as StandardLeadField] = value;
        else values.custom[target] = value;
      });
      if (fullName) {
        const { first, last } = splitFullName(fullName);
        values.firstName ||= first;
        values.lastName ||= last;
      }
      const extra = record.cells.slice(headerCount).filter((c) => c.trim() !== '');
      if (extra.length > 0) {
        rowProblems.push({
          field: 'row',
          code: 'extra_values',
          message: `The row has ${record.cells.length} values but the file has ${headerCount} columns; the extra values were not imported.`,
        });
      }
      if (record.quoteProblem) rowProblems.push({ field: 'row', code: record.quoteProblem === 'unbalanced' ? 'unbalanced_quote' : 'malformed_quotes', message: quoteMessage(record.quoteProblem) });

      const lead = leads.normalize(values, ctx.fields);
      if (leads.isEmpty(lead)) {
        status.skipped++;
        report(record, null, 'row', 'No values in the imported columns; the row was skipped.', record.cells.join(settings.delimiter));
        return;
      }
      const problems = [...rowProblems, ...validateLead(lead, ctx)];
      const id = store.insert(lead, problems, at, { importId, row: record.rowNumber });
      created.push(id);
      status.imported++;
      if (problems.length > 0) {
        status.flagged++;
        if (status.flaggedRows.length < FLAGGED_ROWS_LISTED) status.flaggedRows.push(record.rowNumber);
        for (const p of problems) {
          const value =
            p.code === 'extra_values'
              ? extra.join(settings.delimiter)
              : p.field === 'row'
                ? record.cells.join(settings.delimiter)
                : ((STANDARD_LEAD_FIELDS as readonly string[]).includes(p.field) ? lead[p.field as StandardLeadField] : lead.custom[p.field]) ?? '';
          report(record, id, p.field, p.message, value);
        }
      }
    };

    async function* pieces(): AsyncGenerator<string> {
      status.bytesDone = 0;
      const decode = createTextDecoder(settings.encoding);
      const stream = fs.createReadStream(j.file, { highWaterMark: READ_CHUNK_BYTES });
      try {
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          status.bytesDone += chunk.length;
          yield decode(chunk);
        }
        yield decode();
      } finally {
        stream.destroy();
      }
    }

    try {
      for await (const batch of readCsvRecords(pieces(), { delimiter: settings.delimiter, quote: settings.quote })) {
        let next = 0;
        while (next < batch.length) {
          const created: number[] = [];
          const sliceStart = performance.now();
          db.transaction(() => {
            while (next < batch.length) {
              importRecord(batch[next]!, created);
              next++;
              if (created.length >= SLICE_MAX_ROWS || ((next & 31) === 0 && performance.now() - sliceStart > SLICE_MS)) break;
            }
          })();
          longestSliceMs = Math.max(longestSliceMs, performance.now() - sliceStart);
          leads.changed(workspaceId, 'created', created, true, importId);
          progress();
          await yieldToEventLoop();
          if (j.cancelRequested) throw new ImportCancelled();
        }
      }
      status.state = 'done';
      status.bytesDone = status.bytesTotal;
      status.rowsTotalEstimate = status.rowsDone;
    } catch (error) {
      const cancelled = error instanceof ImportCancelled;
      status.state = cancelled ? 'cancelled' : 'failed';
      if (!cancelled) {
        logger.error('lead import failed', { workspaceId, importId, error });
        status.error = error instanceof AppError ? error.message : 'The import stopped because of an unexpected error; nothing was imported. Try again.';
      }
      // All or nothing: remove the leads this import added.
      for (;;) {
        const ids = (db.prepare('select id from leads where import_id = ? limit 2000').all(importId) as Array<{ id: number }>).map((r) => r.id);
        if (ids.length === 0) break;
        leads.changed(workspaceId, 'deleted', store.deleteIds(ids), true, importId);
        await yieldToEventLoop();
      }
      status.imported = 0;
    } finally {
      if (bulk) {
        for (const index of SORT_INDEXES) {
          const indexStart = performance.now();
          db.exec(index.sql);
          longestIndexMs = Math.max(longestIndexMs, performance.now() - indexStart);
          await yieldToEventLoop();
        }
      }
    }
    db.prepare(
      'update lead_imports set state = ?, rows_read = ?, imported = ?, flagged = ?, skipped = ?, error = ?, finished_at = ? where id = ?',
    ).run(status.state, status.rowsDone, status.imported, status.flagged, status.skipped, status.error ?? null, isoAt(clock.now()), importId);
    progress(true);
    logger.info('lead import finished', {
      workspaceId,
      importId,
      state: status.state,
      rows: status.rowsDone,
      flagged: status.flagged,
      ms: status.elapsedMs,
      bulk,
      longestSliceMs: Math.round(longestSliceMs),
      longestIndexMs: Math.round(longestIndexMs),
    });
  }

  function rememberAssignments(db: Db, headers: readonly string[], targets: ReadonlyArray<string | null>) {
    const at = isoAt(clock.now());
    db.transaction(() => {
      db.prepare(
        'insert into lead_import_mappings (signature, assignments, updated_at) values (?, ?, ?) on conflict (signature) do update set assignments = excluded.assignments, updated_at = excluded.updated_at',
      ).run(signatureOf(headers), JSON.stringify(targets), at);
      const perHeader = db.prepare(
        'insert into lead_import_header_targets (header, target, updated_at) values (?, ?, ?) on conflict (header) do update set target = excluded.target, updated_at = excluded.updated_at',
      );
      headers.forEach((h, i) => {
        const key = normalizeHeader(h);
        if (key && !/^column\d+$/.test(key)) perHeader.run(key, targets[i] ?? null, at);
      });
    })();
  }

  async function commit(input: {
    importId: string;
    settings: CsvSettings;
    assignments: ColumnAssignment[];
    newFields: Array<{ column: number; label: string; type: CustomFieldType }>;
  }): Promise<ImportStatus> {
    const j = job(input.importId);
    if (j.status.state !== 'staging') throw new AppError('conflict', `This import is already ${j.status.state}.`);
    const { workspaceId } = j.status;
    if (running.has(workspaceId)) throw new AppError('conflict', 'Another import is running in this workspace. Wait for it to finish or cancel it.');
    const fields = leads.listFields(workspaceId);
    const sample = await sampleCsvFile(j.file, input.settings, fields);
    if (sample.dataRecords.length === 0) throw new AppError('validation', 'There are no rows to import (the file has only a header row).');
    const targets = resolveAssignments(workspaceId, sample.headers, input.assignments, input.newFields);
    if (sample.settings.hasHeader) rememberAssignments(leads.open(workspaceId).db, sample.headers, targets);

    j.status.state = 'running';
    // bytesDone counted the upload until now; from here it counts the bytes read into leads.
    j.status.bytesDone = 0;
    j.status.rowsTotalEstimate = sample.estimatedRows;
    running.add(workspaceId);
    publish(j);
    j.running = execute(j, sample.settings, targets, sample.headers.length)
      .catch((error: unknown) => {
        logger.error('lead import crashed', { importId: input.importId, error });
        j.status.state = 'failed';
        j.status.error = 'The import stopped because of an unexpected error. Try again.';
        publish(j);
      })
      .then(() => j.status)
      .finally(() => {
        running.delete(workspaceId);
        removeStaged(j);
      });
    return { ...j.status };
  }

  return {
    begin(input: { workspaceId: string; fileName: string; size: number }): { importId: string; chunkBytes: number } {
      leads.open(input.workspaceId);
      const importId = `imp${crypto.randomBytes(8).toString('hex')}`;
      fs.mkdirSync(deps.stagingDir, { recursive: true });
      const file = path.join(deps.stagingDir, `${importId}.csv`);
      fs.writeFileSync(file, '');
      jobs.set(importId, {
        status: newStatus(importId, input.workspaceId, path.basename(input.fileName), input.size),
        file,
        staged: true,
        cancelRequested: false,
      });
      return { importId, chunkBytes: IMPORT_CHUNK_BYTES };
    },

    /** Appends a piece at `offset`. Repeating a piece already received is harmless (a retried call). */
    chunk(input: { importId: string; offset: number; data: string }): { received: number } {
      const j = job(input.importId);
      if (j.status.state !== 'staging') throw new AppError('conflict', `This import is already ${j.status.state}.`);
      const bytes = Buffer.from(input.data, 'base64');
      const received = fs.statSync(j.file).size;
      if (input.offset + bytes.length <= received) return { received };
      if (input.offset !== received) {
        throw new AppError('conflict', `Expected the piece at byte ${received}, got one at ${input.offset}. Resend from ${received}.`, {
          details: { received },
        });
      }
      if (received + bytes.length > j.status.bytesTotal) {
        throw new AppError('validation', `The file is larger than the ${j.status.bytesTotal} bytes announced.`);
      }
      fs.appendFileSync(j.file, bytes);
      j.status.bytesDone = received + bytes.length;
      return { received: j.status.bytesDone };
    },

    preview,
    commit,

    cancel(importId: string): ImportStatus {
      const j = job(importId);
      if (j.status.state === 'staging') {
        j.status.state = 'cancelled';
        removeStaged(j);
        publish(j);
      } else if (j.status.state === 'running') {
        j.cancelRequested = true;
      }
      return { ...j.status };
    },

    status(importId: string): ImportStatus {
      return { ...job(importId).status };
    },

    /** Resolves when a running import has finished (tests, the CLI). */
    async settled(importId: string): Promise<ImportStatus> {
      const j = job(importId);
      return j.running ? j.running : { ...j.status };
    },

    /**
     * The CLI's import: a file on disk, the detected settings, and assignments by header name
     * (or the suggestions). Resolves when done.
     */
    async importFile(input: {
      workspaceId: string;
      file: string;
      map?: Record<string, string | null> | undefined;
      onProgress?: (status: ImportStatus) => void;
      signal?: AbortSignal;
    }): Promise<{ status: ImportStatus; assignments: Array<{ header: string; target: string | null }> }> {
      leads.open(input.workspaceId);
      if (!fs.existsSync(input.file) || !fs.statSync(input.file).isFile()) throw new AppError('not_found', `There is no file ${input.file}.`);
      const importId = `imp${crypto.randomBytes(8).toString('hex')}`;
      const size = fs.statSync(input.file).size;
      const j: ImportJob = { status: newStatus(importId, input.workspaceId, path.basename(input.file), size), file: input.file, staged: false, cancelRequested: false };
      j.status.bytesDone = size;
      jobs.set(importId, j);
      const unsubscribe = input.onProgress
        ? events.subscribe((event, payload) => {
            if (event === 'leads.onDidImportProgress' && (payload as ImportStatus).importId === importId) input.onProgress!(payload as ImportStatus);
          })
        : () => {};
      const onAbort = () => {
        j.cancelRequested = true;
      };
      input.signal?.addEventListener('abort', onAbort);
      try {
        const p = await preview(importId);
        let assignments = p.assignments;
        if (input.map) {
          const byHeader = new Map(Object.entries(input.map).map(([h, t]) => [normalizeHeader(h), t]));
          for (const header of byHeader.keys()) {
            if (!p.columns.some((c) => normalizeHeader(c.header) === header)) {
              const known = p.columns.map((c) => `"${c.header}"`).join(', ');
              throw new AppError('validation', `--map names a column the file doesn't have. The columns are ${known}.`);
            }
          }
          assignments = p.columns.map((c) => ({ column: c.index, target: byHeader.has(normalizeHeader(c.header)) ? (byHeader.get(normalizeHeader(c.header)) ?? null) : null }));
        }
        await commit({ importId, settings: p.settings, assignments, newFields: [] });
        const status = await j.running!;
        return { status, assignments: p.columns.map((c) => ({ header: c.header, target: assignments.find((a) => a.column === c.index)?.target ?? null })) };
      } finally {
        input.signal?.removeEventListener('abort', onAbort);
        unsubscribe();
        jobs.delete(importId);
      }
    },

    /** The report of flagged rows as CSV pieces: row, line, field, problem, value. */
    report(input: { importId: string; workspaceId?: string | undefined; after?: string | undefined }): CsvPiece {
      const { importId, after } = input;
      const workspaceId = jobs.get(importId)?.status.workspaceId ?? input.workspaceId;
      if (!workspaceId) throw new AppError('not_found', `There is no import ${importId}.`);
      const { db } = leads.open(workspaceId);
      if (!db.prepare('select 1 from lead_imports where id = ?').get(importId)) {
        throw new AppError('not_found', `There is no report for import ${importId}; only the last ${IMPORTS_KEPT} imports keep one.`);
      }
      const from = after ? Number(after) : 0;
      const rows = db
        .prepare('select rowid, row_number, line, field, problem, value from lead_import_problems where import_id = ? and rowid > ? order by rowid limit ?')
        .all(importId, from, REPORT_PIECE_ROWS) as Array<{ rowid: number; row_number: number; line: number; field: string; problem: string; value: string }>;
      const body = toCsv(rows.map((r) => [String(r.row_number), String(r.line), r.field, r.problem, r.value]));
      const csv = from === 0 ? UTF8_BOM + toCsv([['Row', 'Line', 'Field', 'Problem', 'Value']]) + body : body;
      const piece: CsvPiece = { csv, rows: rows.length };
      if (rows.length === REPORT_PIECE_ROWS) piece.next = String(rows.at(-1)!.rowid);
      return piece;
    },

    /** Leads as CSV pieces, UTF-8 with BOM, formula cells neutralised. */
    exportCsv(input: { workspaceId: string; search?: string | undefined; flaggedOnly?: boolean | undefined; importId?: string | undefined; ids?: string[] | undefined; after?: string | undefined }): CsvPiece {
      const { store } = leads.open(input.workspaceId);
      const fields = leads.listFields(input.workspaceId);
      const from = input.after ? Number(input.after) : 0;
      const ids = input.ids?.filter((id) => /^\d{1,15}$/.test(id)).map(Number);
      const batch = store.leadsAfter({ search: input.search, flaggedOnly: input.flaggedOnly, importId: input.importId, ids }, from, EXPORT_PIECE_ROWS);
      const header = ['Id', ...STANDARD_LEAD_FIELDS.map((k) => STANDARD_FIELD_BY_KEY.get(k)!.label), ...fields.map((f) => f.label), 'Problems', 'Created', 'Updated'];
      const body = toCsv(
        batch.map((lead) => [
          lead.id,
          ...STANDARD_LEAD_FIELDS.map((k) => lead[k]),
          ...fields.map((f) => lead.custom[f.key] ?? ''),
          lead.problems.map((p) => p.message).join(' '),
          lead.createdAt,
          lead.updatedAt,
        ]),
      );
      const csv = from === 0 ? UTF8_BOM + toCsv([header]) + body : body;
      const piece: CsvPiece = { csv, rows: batch.length };
      if (batch.length === EXPORT_PIECE_ROWS) piece.next = batch.at(-1)!.id;
      return piece;
    },
  };
}
