import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import type { RecordObjectType, RecordRow } from '../../../core/contract/mirror.ts';
import type { Workspace } from '../../../core/contract/workspaces.ts';
import { errorMessage } from '../../api/client.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { formatRelative } from '../../components/time.ts';
import { useAppStore } from '../../state/store.ts';
import { RecordPage } from './record-page.tsx';

const TYPES: Array<{ id: RecordObjectType; label: string }> = [
  { id: 'contacts', label: 'Contacts' },
  { id: 'companies', label: 'Companies' },
  { id: 'deals', label: 'Deals' },
];

const ROW_HEIGHT = 44;
const ONE = { contacts: 'contact', companies: 'company', deals: 'deal' } as const;
const OBJECT_TYPE_ID = { contacts: '0-1', companies: '0-2', deals: '0-3' } as const;
const PAGE = 200;

/** `records`, `records/companies`, `records/companies/123`: the list of a type, or one record. */
export function RecordsPage({ workspace, param }: { workspace: Workspace; param?: string }) {
  const [typeParam, id] = (param ?? '').split('/');
  const objectType: RecordObjectType = TYPES.some((t) => t.id === typeParam) ? (typeParam as RecordObjectType) : 'contacts';
  if (id) return <RecordPage workspace={workspace} objectType={objectType} id={id} />;
  return <RecordList workspace={workspace} objectType={objectType} />;
}

function RecordList({ workspace, objectType }: { workspace: Workspace; objectType: RecordObjectType }) {
  const api = useAppStore((s) => s.api);
  const navigate = useAppStore((s) => s.navigate);
  const version = useAppStore((s) => s.mirrorVersion[workspace.id] ?? 0);
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [deleted, setDeleted] = useState(false);
  const [ownerId, setOwnerId] = useState('');
  const [owners, setOwners] = useState<Array<{ id: string; name: string }>>([]);
  // Lists whose memberships the mirror keeps (Sync settings), offered as a filter.
  const [memberLists, setMemberLists] = useState<Array<{ id: string; name: string; objectTypeId: string }>>([]);
  const [listId, setListId] = useState('');
  const [rows, setRows] = useState<RecordRow[]>([]);
  const [next, setNext] = useState<string | undefined>(undefined);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loading = useRef(false);
  // Each change of type, search or filter starts a new generation; answers to an older one are dropped,
  // so a slow companies page can never land under the Contacts tab.
  const generation = useRef(0);
  const scroller = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const timer = setTimeout(() => setQuery(search), 200);
    return () => clearTimeout(timer);
  }, [search]);

  useEffect(() => {
    void api.invoke('records.owners', { workspaceId: workspace.id }).then((r) => r.ok && setOwners(r.value.owners));
    void Promise.all([api.invoke('mirror.getSettings', { workspaceId: workspace.id }), api.invoke('mirror.lists', { workspaceId: workspace.id })]).then(([settings, lists]) => {
      if (!settings.ok || !lists.ok) return;
      const kept = new Set(settings.value.membershipListIds);
      setMemberLists(lists.value.lists.filter((l) => kept.has(l.id)));
    });
  }, [api, workspace.id, version]);

  const load = async (after: string | undefined, replace: boolean) => {
    if (loading.current) return;
    loading.current = true;
    const mine = generation.current;
    try {
      const page = await api.call('records.list', { workspaceId: workspace.id, objectType, deleted, limit: PAGE, ...(query ? { search: query } : {}), ...(ownerId ? { ownerId } : {}), ...(listId ? { listId } : {}), ...(after ? { after } : {}) });
      if (mine !== generation.current) return;
      setRows((prev) => (replace ? page.items : [...prev, ...page.items]));
      setNext(page.next);
      setTotal(page.total);
      setError(null);
    } catch (e) {
      if (mine === generation.current) setError(errorMessage(e));
    } finally {
      if (mine === generation.current) loading.current = false;
    }
  };

  // Another type (or the deleted switch) shows nothing until its own first page arrives.
  useEffect(() => {
    setRows([]);
    setNext(undefined);
    setTotal(null);
  }, [workspace.id, objectType, deleted]);

  const typeLists = memberLists.filter((l) => l.objectTypeId === OBJECT_TYPE_ID[objectType]);
  useEffect(() => {
    // A list of another object type doesn't apply to this tab.
    if (listId && !typeLists.some((l) => l.id === listId)) setListId('');
  }, [listId, typeLists]);

  useEffect(() => {
    generation.current += 1;
    loading.current = false;
    scroller.current?.scrollTo({ top: 0 });
    void load(undefined, true);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [workspace.id, objectType, query, deleted, ownerId, listId, version]);

  const virtualizer = useVirtualizer({ count: rows.length + (next ? 1 : 0), getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    if (next && lastIndex >= rows.length - 1) void load(next, false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lastIndex, next, rows.length]);

  const open = (row: RecordRow) => navigate({ name: 'workspace', workspaceId: workspace.id, page: 'records', param: `${objectType}/${row.id}` });

  return (
    <div className="page page-wide" data-testid="records-page">
      <PageHeader title="Records" subtitle="HubSpot contacts, companies and deals as last mirrored. Works offline." />
      <div className="records-toolbar">
        <div className="segmented" role="tablist" aria-label="Object type">
          {TYPES.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              aria-selected={t.id === objectType}
              className={t.id === objectType ? 'segmented-item is-active' : 'segmented-item'}
              onClick={() => navigate({ name: 'workspace', workspaceId: workspace.id, page: 'records', param: t.id })}
            >
              {t.label}
            </button>
          ))}
        </div>
        <input type="search" aria-label="Search records" placeholder="Search names, emails, domains…" value={search} onChange={(e) => setSearch(e.target.value)} />
        <select aria-label="Owner" value={ownerId} onChange={(e) => setOwnerId(e.target.value)}>
          <option value="">Any owner</option>
          {owners.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
        {typeLists.length > 0 ? (
          <select aria-label="List" value={listId} onChange={(e) => setListId(e.target.value)}>
            <option value="">Any list</option>
            {typeLists.map((l) => (
              <option key={l.id} value={l.id}>
                In “{l.name}”
              </option>
            ))}
          </select>
        ) : null}
        <label className="checkbox">
          <input type="checkbox" checked={deleted} onChange={(e) => setDeleted(e.target.checked)} /> Deleted
        </label>
        <span className="muted records-count" data-testid="records-total">
          {total === null ? '' : `${total.toLocaleString()} ${deleted ? 'deleted ' : ''}${total === 1 ? ONE[objectType] : objectType}`}
        </span>
      </div>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="vtable" role="table" aria-label={`${objectType} records`} aria-rowcount={total ?? rows.length}>
        <div className="vtable-head" role="row">
          <span role="columnheader">Name</span>
          <span role="columnheader">{objectType === 'deals' ? 'Stage · amount' : objectType === 'companies' ? 'Domain' : 'Email'}</span>
          <span role="columnheader">Owner</span>
          <span role="columnheader">Last modified</span>
        </div>
        <div className="vtable-body" ref={scroller}>
          {rows.length === 0 && total === 0 ? <p className="muted vtable-empty">{query ? 'Nothing matches this search.' : 'Nothing mirrored yet. Run a sync from the Sync page.'}</p> : null}
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const row = rows[item.index];
              return (
                <div
                  key={item.key}
                  role="row"
                  className="vtable-row"
                  style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
                  aria-rowindex={item.index + 2}
                >
                  {row ? (
                    <>
                      <span role="cell">
                        <button type="button" className="link" onClick={() => open(row)}>
                          {row.label}
                        </button>
                        {row.archived ? <span className="tag tag-danger">deleted</span> : null}
                      </span>
                      <span role="cell" className="muted">
                        {row.subtitle}
                      </span>
                      <span role="cell">{row.ownerName ?? ''}</span>
                      <span role="cell" className="muted" title={row.updatedAt ?? ''}>
                        {formatRelative(row.updatedAt)}
                      </span>
                    </>
                  ) : (
                    <span role="cell" className="muted">
                      Loading…
                    </span>
                  )}
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}
