/**
 * The organisation tree as the console loads it once (GET /api/org/tree) and shares between the org and
 * account screens: nodes for Tree/TreeSelect, sorted the Vietnamese way, filtered without diacritics.
 */
import { useQuery } from '@tanstack/react-query';
import { api, call, type ResponseOf } from '../../api/client';
import { matchesFolded, viCollator } from '../../lib/format';

export type Unit = ResponseOf<'/api/org/units/{id}', 'get'>;
export type UnitKind = Unit['kind'];
export const unitKinds: UnitKind[] = ['province', 'department', 'district', 'commune', 'unit'];

export interface UnitNode {
  key: string;
  value: string;
  unit: Unit;
  title: string;
  children: UnitNode[];
}

/** The tree the person may see (closed units too when asked). */
export function useUnitTree(includeClosed = false) {
  return useQuery({
    queryKey: ['org', 'tree', includeClosed],
    queryFn: () => call(api.GET('/api/org/tree', { params: { query: { includeClosed } } })),
    staleTime: 30_000,
  });
}

/** Nests the flat list (roots are units whose parent is not in the list), siblings in Vietnamese order. */
export function buildTree(units: readonly Unit[]): UnitNode[] {
  const byId = new Map<string, UnitNode>();
  for (const u of units) {
    byId.set(u.id, { key: u.id, value: u.id, unit: u, title: `${u.name} (${u.code})`, children: [] });
  }
  const roots: UnitNode[] = [];
  for (const node of byId.values()) {
    const parent = node.unit.parentId ? byId.get(node.unit.parentId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const sort = (nodes: UnitNode[]) => {
    nodes.sort((a, b) => viCollator.compare(a.unit.name, b.unit.name));
    for (const n of nodes) sort(n.children);
  };
  sort(roots);
  return roots;
}

/** Keeps nodes matching `q` (name, short name or code, without diacritics) and their ancestors. */
export function filterTree(nodes: readonly UnitNode[], q: string): UnitNode[] {
  const query = q.trim();
  if (!query) return [...nodes];
  const out: UnitNode[] = [];
  for (const n of nodes) {
    const children = filterTree(n.children, query);
    const hit =
      matchesFolded(n.unit.name, query) ||
      matchesFolded(n.unit.shortName ?? '', query) ||
      n.unit.code.toLowerCase().includes(query.toLowerCase());
    if (hit || children.length > 0)
      out.push({ ...n, children: hit && children.length === 0 ? n.children : children });
  }
  return out;
}

/** Every key of a tree (to expand all while searching). */
export function allKeys(nodes: readonly UnitNode[]): string[] {
  return nodes.flatMap((n) => [n.key, ...allKeys(n.children)]);
}

/** Units by id. */
export function unitMap(units: readonly Unit[] | undefined): Map<string, Unit> {
  return new Map((units ?? []).map((u) => [u.id, u]));
}
