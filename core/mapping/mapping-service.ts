import crypto from 'node:crypto';
import type { EventBus } from '../app/event-bus.ts';
import type { Lead } from '../contract/leads.ts';
import {
  type HubSpotList,
  type LeadFieldRef,
  type LeadSource,
  type ListsView,
  type MappedLead,
  type MappingCatalogueView,
  type MappingCheck,
  type MappingProperty,
  type MappingState,
  PushSettings,
  type TestLeadReport,
  type TestRun,
} from '../contract/mapping.ts';
import { AppError, isAppError } from '../errors.ts';
import { STANDARD_FIELD_BY_KEY, STANDARD_FIELD_SPECS } from '../leads/lead-fields.ts';
import type { LeadService } from '../leads/lead-service.ts';
import { type Clock, isoAt } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Db } from '../store/database.ts';
import { defaultPushSettings } from './default-settings.ts';
import { checkSettings, type ValueCount } from './inline-problems.ts';
import { createLeadMapper, type LeadMapper, type MappingCatalogue } from './map-lead.ts';
import type { HubSpotAccess, PropertyCatalogue } from './property-catalogue.ts';
import { validatePushSettings } from './settings-validation.ts';
import { type PortalInfo, readPortalInfo, runTestLead, sampleLead, testEmail } from './test-lead.ts';

export interface MappingServiceDeps {
  /** The workspace's database; throws not_found for an unknown workspace. */
  database(workspaceId: string): Db;
  leads: LeadService;
  catalogue: PropertyCatalogue;
  /** The workspace's HubSpot gateway; throws not_connected / auth_expired. */
  hubspot: HubSpotAccess;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  /** Portal id and UI host for record links (default: account info through the gateway). */
  portal?: (workspaceId: string, gateway: Parameters<typeof readPortalInfo>[0]) => Promise<PortalInfo | null>;
  /** The test contact's address (tests pin it). */
  testEmail?: () => string;
}

const SETTINGS_KEY = 'mapping.push';

const STANDARD_SOURCE_TYPES: Partial<Record<string, LeadSource['type']>> = { email: 'email', phone: 'phone', website: 'url' };

interface TestRunRow {
  id: string;
  report: string;
}

export type MappingService = ReturnType<typeof createMappingService>;

/**
 * A workspace's push settings (stored as one JSON document), the inline problems of a mapping,
 * the portal's lists, and Send test lead. The push engine reads `settings` and maps with `mapper`.
 */
export function createMappingService(deps: MappingServiceDeps) {
  const { events, clock, logger } = deps;

  function read(workspaceId: string): { settings: PushSettings; saved: boolean; updatedAt: string | null } {
    const db = deps.database(workspaceId);
    const row = db.prepare('select value, updated_at from settings where key = ?').get(SETTINGS_KEY) as { value: string; updated_at: string } | undefined;
    if (!row) return { settings: defaultPushSettings(), saved: false, updatedAt: null };
    const parsed = PushSettings.safeParse(JSON.parse(row.value));
    if (!parsed.success) {
      // Only a hand-edited database gets here; keep the push safe rather than guessing.
      logger.error('stored push settings are unreadable; using the defaults', { workspaceId, issues: parsed.error.issues.slice(0, 3) });
      return { settings: defaultPushSettings(), saved: false, updatedAt: row.updated_at };
    }
    return { settings: parsed.data, saved: true, updatedAt: row.updated_at };
  }

  function sources(workspaceId: string): LeadSource[] {
    const standard = STANDARD_FIELD_SPECS.map((f) => ({ ref: f.key, label: f.label, type: STANDARD_SOURCE_TYPES[f.key] ?? 'text', options: [] }));
    const custom = deps.leads.listFields(workspaceId).map((f) => ({ ref: `custom.${f.key}`, label: f.label, type: f.type, options: f.options }));
    return [...standard, ...custom];
  }

  function state(workspaceId: string): MappingState {
    const current = read(workspaceId);
    return { ...current, sources: sources(workspaceId) };
  }

  function propertyList(workspaceId: string, objectType: 'contacts' | 'companies') {
    const stored = deps.catalogue.properties(workspaceId, objectType);
    return { objectType, fetchedAt: stored.fetchedAt, properties: stored.properties };
  }

  function properties(workspaceId: string): MappingCatalogueView {
    deps.database(workspaceId);
    return { contacts: propertyList(workspaceId, 'contacts'), companies: propertyList(workspaceId, 'companies'), skipped: [] };
  }

  /** The stored definitions as mapLead takes them: null for a type never read. */
  function catalogueFor(workspaceId: string): MappingCatalogue {
    const view = properties(workspaceId);
    const known = (list: { fetchedAt: string | null; properties: MappingProperty[] }) => (list.fetchedAt === null ? null : list.properties);
    return { contacts: known(view.contacts), companies: known(view.companies) };
  }

  function valueCounts(workspaceId: string, ref: LeadFieldRef): ValueCount[] {
    const db = deps.leads.open(workspaceId).db;
    let sql: string;
    if (ref.startsWith('custom.')) {
      const key = ref.slice(7);
      if (!/^[a-z][a-z0-9_]{0,49}$/.test(key)) return [];
      sql = `select json_extract(custom, '$.${key}') as value, count(*) as count from leads where value is not null and value <> '' group by value`;
    } else {
      const spec = STANDARD_FIELD_BY_KEY.get(ref as never);
      if (!spec) return [];
      sql = `select ${spec.column} as value, count(*) as count from leads where ${spec.column} <> '' group by ${spec.column}`;
    }
    return db.prepare(sql).all() as ValueCount[];
  }

  function leadLabel(lead: Lead): string {
    return [lead.firstName, lead.lastName].filter(Boolean).join(' ') || lead.company || `Lead ${lead.id}`;
  }

  function saveRun(workspaceId: string, report: TestLeadReport): TestRun {
    const db = deps.database(workspaceId);
    db.prepare('insert into mapping_test_runs (id, at, lead_id, result, contact_id, deleted_at, report) values (?, ?, ?, ?, ?, ?, ?)').run(
      report.runId,
      report.at,
      report.leadId,
      report.result,
      report.contactId,
      report.deletedAt,
      JSON.stringify(report),
    );
    return toRun(report);
  }

  function toRun(report: TestLeadReport): TestRun {
    const { runId, at, leadId, leadLabel: label, result, message, contactId, recordUrl, deletedAt, durationMs } = report;
    return { runId, at, leadId, leadLabel: label, result, message, contactId, recordUrl, deletedAt, durationMs, problemCount: report.properties.filter((p) => p.status === 'problem').length };
  }

  function readRun(workspaceId: string, runId: string): TestLeadReport {
    const row = deps.database(workspaceId).prepare('select id, report from mapping_test_runs where id = ?').get(runId) as TestRunRow | undefined;
    if (!row) throw new AppError('not_found', `There is no test run ${runId}.`);
    return JSON.parse(row.report) as TestLeadReport;
  }

  function save(workspaceId: string, input: unknown): MappingState {
    const db = deps.database(workspaceId);
    const settings = validatePushSettings(input, { customFields: deps.leads.listFields(workspaceId) });
    const updatedAt = isoAt(clock.now());
    db.prepare('insert into settings (key, value, updated_at) values (?, ?, ?) on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at').run(
      SETTINGS_KEY,
      JSON.stringify(settings),
      updatedAt,
    );
    events.emit('mapping.onDidChange', { workspaceId, settings, updatedAt });
    return state(workspaceId);
  }

  return {
    /** The saved settings, or the defaults of a new workspace. The push engine reads them per batch. */
    settings(workspaceId: string): PushSettings {
      return read(workspaceId).settings;
    },

    get: state,

    save,

    properties,
    catalogueFor,

    async refreshProperties(workspaceId: string): Promise<MappingCatalogueView> {
      deps.database(workspaceId);
      const result = await deps.catalogue.refresh(workspaceId, ['contacts', 'companies']);
      const view = { ...properties(workspaceId), skipped: result.skipped };
      events.emit('mapping.onDidChangeProperties', { workspaceId, contactsFetchedAt: view.contacts.fetchedAt, companiesFetchedAt: view.companies.fetchedAt });
      return view;
    },

    /** Inline problems of `settings` (default: the saved ones) against the stored definitions and every lead. */
    check(workspaceId: string, settings?: PushSettings): MappingCheck {
      const started = performance.now();
      const catalogue = catalogueFor(workspaceId);
      const view = properties(workspaceId);
      const problems = checkSettings({
        settings: settings ?? read(workspaceId).settings,
        contacts: catalogue.contacts,
        companies: catalogue.companies,
        sources: sources(workspaceId),
        defaultCountry: deps.leads.getSettings(workspaceId).defaultCountry,
        valueCounts: (ref) => valueCounts(workspaceId, ref),
      });
      const leadCount = (deps.leads.open(workspaceId).db.prepare('select count(*) as n from leads').get() as { n: number }).n;
      return {
        problems,
        leadCount,
        contactsFetchedAt: view.contacts.fetchedAt,
        companiesFetchedAt: view.companies.fetchedAt,
        tookMs: Math.round((performance.now() - started) * 10) / 10,
      };
    },

    /** mapLead bound to a workspace's saved settings, stored definitions and default country: the push engine's entry. */
    mapper(workspaceId: string): { settings: PushSettings; map: LeadMapper } {
      const settings = read(workspaceId).settings;
      return { settings, map: createLeadMapper(settings, catalogueFor(workspaceId), { defaultCountry: deps.leads.getSettings(workspaceId).defaultCountry }) };
    },

    preview(workspaceId: string, leadId: string, settings?: PushSettings): MappedLead {
      const lead = deps.leads.get(workspaceId, leadId);
      const used = settings ?? read(workspaceId).settings;
      return createLeadMapper(used, catalogueFor(workspaceId), { defaultCountry: deps.leads.getSettings(workspaceId).defaultCountry })(lead);
    },

    async lists(workspaceId: string, refresh: boolean): Promise<ListsView> {
      const db = deps.database(workspaceId);
      if (refresh) {
        const gateway = await deps.hubspot(workspaceId);
        const found: HubSpotList[] = [];
        for (let offset = 0, page = 0; page < 50; page++) {
          const response = await gateway.call('lists.search', (client) => client.crm.lists.listsApi.doSearch({ count: 500, offset, processingTypes: ['MANUAL', 'SNAPSHOT', 'DYNAMIC'] }));
          for (const list of response.lists) {
            if (list.objectTypeId !== '0-1') continue;
            const size = Number(list.additionalProperties?.hs_list_size);
            found.push({ listId: String(list.listId), name: list.name, processingType: list.processingType, static: list.processingType !== 'DYNAMIC', size: Number.isFinite(size) ? size : null });
          }
          if (!response.hasMore || response.lists.length === 0) break;
          offset = response.offset;
        }
        const fetchedAt = isoAt(clock.now());
        db.transaction(() => {
          db.prepare('delete from mapping_lists').run();
          const insert = db.prepare('insert into mapping_lists (list_id, name, processing_type, size, fetched_at) values (?, ?, ?, ?, ?)');
          for (const list of found) insert.run(list.listId, list.name, list.processingType, list.size, fetchedAt);
        })();
        // Keep the remembered name and type of the chosen list in step with HubSpot.
        const current = read(workspaceId);
        const chosen = found.find((l) => l.listId === current.settings.list.listId);
        if (current.saved && chosen && (chosen.name !== current.settings.list.listName || chosen.processingType !== current.settings.list.processingType)) {
          save(workspaceId, { ...current.settings, list: { listId: chosen.listId, listName: chosen.name, processingType: chosen.processingType } });
        }
      }
      const rows = db.prepare('select list_id, name, processing_type, size, fetched_at from mapping_lists order by lower(name), list_id').all() as Array<{
        list_id: string;
        name: string;
        processing_type: string;
        size: number | null;
        fetched_at: string;
      }>;
      return {
        fetchedAt: rows[0]?.fetched_at ?? null,
        lists: rows.map((r) => ({ listId: r.list_id, name: r.name, processingType: r.processing_type, static: r.processing_type !== 'DYNAMIC', size: r.size })),
      };
    },

    /** Send test lead with the saved settings and a lead's values (or the sample lead). Never changes leads. */
    async sendTestLead(workspaceId: string, leadId?: string): Promise<TestLeadReport> {
      deps.database(workspaceId);
      const lead = leadId ? deps.leads.get(workspaceId, leadId) : null;
      const gateway = await deps.hubspot(workspaceId);
      const at = isoAt(clock.now());
      const report = await runTestLead({
        gateway,
        settings: read(workspaceId).settings,
        lead: lead ?? sampleLead(deps.leads.listFields(workspaceId)),
        leadId: lead?.id ?? null,
        leadLabel: lead ? leadLabel(lead) : 'Sample lead',
        defaultCountry: deps.leads.getSettings(workspaceId).defaultCountry,
        runId: `t${crypto.randomBytes(8).toString('hex')}`,
        at,
        email: (deps.testEmail ?? testEmail)(),
        now: () => performance.now(),
        portal: (g) => (deps.portal ? deps.portal(workspaceId, g) : readPortalInfo(g)),
      });
      const run = saveRun(workspaceId, report);
      logger.info('test lead sent', { workspaceId, runId: report.runId, result: report.result, contactId: report.contactId });
      events.emit('mapping.onDidRunTest', { workspaceId, run });
      return report;
    },

    /** Archives a run's test contact; a contact already gone counts as deleted. */
    async deleteTestContact(workspaceId: string, runId: string): Promise<TestRun> {
      const report = readRun(workspaceId, runId);
      if (!report.contactId) throw new AppError('conflict', 'This test run created no contact, so there is nothing to delete.');
      if (!report.deletedAt) {
        const gateway = await deps.hubspot(workspaceId);
        try {
          await gateway.call('contacts.archive.test', (client) => client.crm.contacts.basicApi.archive(report.contactId!));
        } catch (error) {
          if (!(isAppError(error) && error.code === 'not_found')) throw error;
        }
        report.deletedAt = isoAt(clock.now());
        deps.database(workspaceId).prepare('update mapping_test_runs set deleted_at = ?, report = ? where id = ?').run(report.deletedAt, JSON.stringify(report), runId);
      }
      const run = toRun(report);
      events.emit('mapping.onDidRunTest', { workspaceId, run });
      return run;
    },

    testRuns(workspaceId: string, limit: number): { runs: TestRun[] } {
      const rows = deps.database(workspaceId).prepare('select id, report from mapping_test_runs order by at desc, rowid desc limit ?').all(limit) as TestRunRow[];
      return { runs: rows.map((r) => toRun(JSON.parse(r.report) as TestLeadReport)) };
    },

    testRun: readRun,
  };
}
