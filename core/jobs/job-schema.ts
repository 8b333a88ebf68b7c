import { defineMigrations } from '../store/migrations.ts';

/**
 * The push queue and Sync History of a workspace database. Times are epoch milliseconds (integers
 * index, compare and bucket cheaply); the contract turns them into ISO strings. Applied migrations
 * are hash-checked: never edit one, add the next.
 *
 * - `push_jobs`: one row per push of a lead. The step columns (contact_id, company_id, list_result…)
 *   are written in the same transaction as the HubSpot answer that carries them, so a restarted
 *   engine never applies a finished step again. `contact_create_sent_at` marks a create that was
 *   sent but whose answer was never recorded: before creating again, the engine looks for it.
 * - `push_attempts`: one row per attempt (the history). Inserted as `running` when a batch claims the
 *   job, finished when the batch ends; lead and error text are copied in so filters need no joins
 *   and a deleted lead keeps its history.
 * - `push_exchanges`: one row per HTTP call (batch calls carry up to 100 leads), linked to the
 *   attempts it served through `push_attempt_exchanges`.
 * - `push_outcome_hours`: outcomes per UTC hour, kept in step with the attempts (the chart).
 * - `push_companies`: the companies the engine matched or created, by match key: HubSpot's search
 *   lags behind writes, so a company created a moment ago must be found here, not by searching.
 * - `push_leases`: the queue lease of a workspace (one process pushes it at a time).
 */
export const jobMigrations = defineMigrations('jobs', [
  {
    id: 1,
    name: 'push jobs, attempts, exchanges, outcome hours, companies, leases',
    sql: `
      create table push_jobs (
        id integer primary key autoincrement,
        lead_id integer not null,
        lead_label text not null default '',
        lead_email text not null default '',
        origin text not null check (origin in ('manual', 'auto_sync', 'cli', 'replay')),
        state text not null check (state in ('queued', 'running', 'retrying', 'succeeded', 'succeeded_with_warnings', 'failed', 'cancelled', 'waiting_for_network', 'paused_reauthorize')),
        attempt_count integer not null default 0,
        failure_count integer not null default 0,
        next_attempt_at integer,
        lease_owner text,
        lease_expires_at integer,
        cancel_requested integer not null default 0,
        cancel_reason text check (cancel_reason in ('excluded_by_filter', 'cancelled_by_user', 'lead_deleted', 'superseded')),
        state_reason text,
        contact_id text,
        contact_outcome text,
        contact_create_sent_at integer,
        company_key text,
        company_id text,
        company_outcome text,
        list_id text,
        list_outcome text,
        steps text not null default '[]',
        error_code text,
        error text,
        created_at integer not null,
        updated_at integer not null,
        finished_at integer
      );
      -- At most one pending job per lead: pushing it again joins that job.
      create unique index push_jobs_pending_lead on push_jobs (lead_id)
        where state in ('queued', 'retrying', 'waiting_for_network', 'paused_reauthorize');
      create index push_jobs_ready on push_jobs (next_attempt_at, id) where state in ('queued', 'retrying');
      create index push_jobs_running on push_jobs (lease_expires_at) where state = 'running';
      create index push_jobs_state on push_jobs (state, id);
      create index push_jobs_lead on push_jobs (lead_id, id);
      create index push_jobs_updated on push_jobs (updated_at, id);
      create index push_jobs_failed_code on push_jobs (error_code, id) where state = 'failed';
      create index push_jobs_finished on push_jobs (finished_at) where finished_at is not null;

      create virtual table push_jobs_search using fts5(
        text, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
      );
      create trigger push_jobs_search_insert after insert on push_jobs begin
        insert into push_jobs_search (rowid, text) values (new.id, new.lead_label || ' ' || new.lead_email);
      end;
      create trigger push_jobs_search_delete after delete on push_jobs begin
        delete from push_jobs_search where rowid = old.id;
      end;

      create table push_attempts (
        id integer primary key autoincrement,
        job_id integer not null references push_jobs (id) on delete cascade,
        lead_id integer not null,
        lead_label text not null default '',
        lead_email text not null default '',
        number integer not null,
        batch_id text not null,
        batch_size integer not null,
        started_at integer not null,
        finished_at integer,
        duration_ms integer,
        status text not null check (status in ('running', 'succeeded', 'succeeded_with_warnings', 'failed', 'retrying', 'cancelled', 'interrupted')),
        is_error integer not null default 0,
        error_code text,
        error_message text,
        error text,
        failed_step text check (failed_step in ('contact', 'company', 'list')),
        cancel_reason text,
        contact_id text,
        company_id text,
        list_outcome text,
        steps text not null default '[]',
        sent text,
        next_attempt_at integer
      );
      -- Keyset paging newest first, alone and under each filter, for a million rows.
      create index push_attempts_time on push_attempts (started_at, id);
      create index push_attempts_status on push_attempts (status, started_at, id);
      create index push_attempts_errors on push_attempts (started_at, id) where is_error = 1;
      create index push_attempts_code on push_attempts (error_code, started_at, id) where error_code is not null;
      create index push_attempts_step on push_attempts (failed_step, started_at, id) where failed_step is not null;
      create index push_attempts_job on push_attempts (job_id, number);
      create index push_attempts_lead on push_attempts (lead_id, started_at, id);
      create index push_attempts_running on push_attempts (job_id) where status = 'running';

      create virtual table push_attempts_search using fts5(
        text, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
      );
      create trigger push_attempts_search_insert after insert on push_attempts begin
        insert into push_attempts_search (rowid, text) values (new.id, new.lead_label || ' ' || new.lead_email || ' ' || coalesce(new.error_message, ''));
      end;
      create trigger push_attempts_search_update after update of error_message on push_attempts
        when coalesce(old.error_message, '') <> coalesce(new.error_message, '') begin
        delete from push_attempts_search where rowid = old.id;
        insert into push_attempts_search (rowid, text) values (new.id, new.lead_label || ' ' || new.lead_email || ' ' || coalesce(new.error_message, ''));
      end;
      create trigger push_attempts_search_delete after delete on push_attempts begin
        delete from push_attempts_search where rowid = old.id;
      end;

      create table push_exchanges (
        id integer primary key autoincrement,
        batch_id text not null,
        seq integer not null,
        call text not null,
        method text not null,
        url text not null,
        status integer not null,
        duration_ms integer not null,
        at integer not null,
        request_body text,
        response_body text,
        error text,
        inputs integer not null
      );
      create index push_exchanges_batch on push_exchanges (batch_id, seq);
      create index push_exchanges_at on push_exchanges (at);

      create table push_attempt_exchanges (
        attempt_id integer not null references push_attempts (id) on delete cascade,
        exchange_id integer not null references push_exchanges (id) on delete cascade,
        primary key (attempt_id, exchange_id)
      ) without rowid;
      create index push_attempt_exchanges_exchange on push_attempt_exchanges (exchange_id);

      create table push_outcome_hours (
        hour integer primary key,
        succeeded integer not null default 0,
        succeeded_with_warnings integer not null default 0,
        failed integer not null default 0,
        retried integer not null default 0,
        cancelled integer not null default 0
      ) without rowid;

      create table push_companies (
        key text primary key,
        company_id text,
        create_sent_at integer,
        created integer not null default 0,
        updated_at integer not null
      ) without rowid;

      create table push_leases (
        name text primary key,
        owner text not null,
        expires_at integer not null
      ) without rowid;
    `,
  },
  {
    id: 2,
    name: 'history pages by attempt id',
    // Attempt ids ascend with their start (they are written when a batch claims its jobs, one
    // process per workspace at a time), so "newest first" is id order: free-text search can then
    // stream FTS5 matches by rowid and stop at a page, and every filter index ends in id.
    sql: `
      drop index push_attempts_status;
      create index push_attempts_status on push_attempts (status, id);
      drop index push_attempts_errors;
      create index push_attempts_errors on push_attempts (id) where is_error = 1;
      drop index push_attempts_code;
      create index push_attempts_code on push_attempts (error_code, id) where error_code is not null;
      drop index push_attempts_step;
      create index push_attempts_step on push_attempts (failed_step, id) where failed_step is not null;
      drop index push_attempts_lead;
      create index push_attempts_lead on push_attempts (lead_id, id);
    `,
  },
  {
    id: 3,
    name: 'jobs by HubSpot contact (the record page sync card)',
    sql: `
      create index push_jobs_contact on push_jobs (contact_id) where contact_id is not null;
      create index push_jobs_email on push_jobs (lower(lead_email));
    `,
  },
  {
    id: 4,
    name: 'search indexes merged in small steps',
    // FTS5's automerge folds segments together inside whichever write fills a level: at a million
    // attempts, one delete of 1,000 (a prune chunk) or one batch claim then took 0.3–1.9 s. With it
    // off, the store merges a bounded number of pages after each claim and prune chunk (mergeSearch).
    sql: `
      insert into push_attempts_search (push_attempts_search, rank) values ('automerge', 0);
      insert into push_jobs_search (push_jobs_search, rank) values ('automerge', 0);
    `,
  },
]);
