import { defineMigrations } from '../store/migrations.ts';

/**
 * The leads tables of a workspace database. Applied migrations are hash-checked: never edit one,
 * add the next. (The sort indexes are also listed in lead-fields.ts SORT_INDEXES, which large imports
 * drop and rebuild; a test keeps the two in step.)
 */
export const leadMigrations = defineMigrations('leads', [
  {
    id: 1,
    name: 'leads, custom fields, imports',
    sql: `
      create table leads (
        id integer primary key autoincrement,
        first_name text not null default '',
        last_name text not null default '',
        email text not null default '',
        phone text not null default '',
        company text not null default '',
        job_title text not null default '',
        website text not null default '',
        notes text not null default '',
        source text not null default '',
        owner text not null default '',
        -- the phone's digits, and its national number, so "4155550123" finds "+1 (415) 555-0123"
        phone_digits text not null default '',
        -- custom field key -> value (JSON object of strings)
        custom text not null default '{}',
        -- validation flags (JSON array of {field, code, message})
        problems text not null default '[]',
        problem_count integer not null default 0,
        import_id text,
        import_row integer,
        created_at text not null,
        updated_at text not null
      );
      create index leads_flagged on leads (id) where problem_count > 0;
      create index leads_by_import on leads (import_id, id) where import_id is not null;

      create index leads_sort_first_name on leads ((first_name = ''), first_name collate nocase, id);
      create index leads_sort_last_name on leads ((last_name = ''), last_name collate nocase, id);
      create index leads_sort_email on leads ((email = ''), email collate nocase, id);
      create index leads_sort_phone on leads ((phone = ''), phone collate nocase, id);
      create index leads_sort_company on leads ((company = ''), company collate nocase, id);
      create index leads_sort_job_title on leads ((job_title = ''), job_title collate nocase, id);
      create index leads_sort_website on leads ((website = ''), website collate nocase, id);
      create index leads_sort_notes on leads ((notes = ''), substr(notes, 1, 100) collate nocase, id);
      create index leads_sort_source on leads ((source = ''), source collate nocase, id);
      create index leads_sort_owner on leads ((owner = ''), owner collate nocase, id);
      create index leads_sort_updated_at on leads (updated_at, id);

      -- Word-prefix search over name, email (split at . @ - _), company and phone (its digit groups
      -- and digits). unicode61 over trigram: trigrams made imports six times slower for substring
      -- matches inside words, which people rarely type. Contentless: the text lives in leads.
      create virtual table leads_search using fts5(
        text, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
      );
      create trigger leads_search_insert after insert on leads begin
        insert into leads_search (rowid, text) values (new.id,
          new.first_name || ' ' || new.last_name || ' ' || new.email || ' ' || new.company || ' ' || new.phone || ' ' || new.phone_digits);
      end;
      create trigger leads_search_delete after delete on leads begin
        delete from leads_search where rowid = old.id;
      end;
      create trigger leads_search_update after update of first_name, last_name, email, company, phone, phone_digits on leads begin
        delete from leads_search where rowid = old.id;
        insert into leads_search (rowid, text) values (new.id,
          new.first_name || ' ' || new.last_name || ' ' || new.email || ' ' || new.company || ' ' || new.phone || ' ' || new.phone_digits);
      end;

      create table lead_fields (
        key text primary key,
        label text not null,
        type text not null check (type in ('text', 'number', 'date', 'dropdown')),
        options text not null default '[]',
        position integer not null,
        created_at text not null
      );

      create table lead_imports (
        id text primary key,
        file_name text not null,
        state text not null,
        settings text not null,
        assignments text not null,
        rows_read integer not null default 0,
        imported integer not null default 0,
        flagged integer not null default 0,
        skipped integer not null default 0,
        error text,
        started_at text not null,
        finished_at text
      );
      -- One line per problem of a flagged row: the downloadable report.
      create table lead_import_problems (
        import_id text not null references lead_imports (id) on delete cascade,
        row_number integer not null,
        line integer not null,
        lead_id integer,
        field text not null,
        problem text not null,
        value text not null
      );
      create index lead_import_problems_by_row on lead_import_problems (import_id, row_number);

      -- Column assignments remembered per set of headers, and per single header.
      create table lead_import_mappings (
        signature text primary key,
        assignments text not null,
        updated_at text not null
      );
      create table lead_import_header_targets (
        header text primary key,
        target text,
        updated_at text not null
      );
    `,
  },
]);
