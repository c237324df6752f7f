/**
 * @module org/types
 * The organisation module's public data shapes: units, history events, reorganisation operations
 * and their previews, code resolution, and import results.
 */

/** What kind of body a unit is; `unit` covers every other unit (đơn vị sự nghiệp, phòng, ban…). */
export type UnitKind = 'province' | 'department' | 'district' | 'commune' | 'unit';

/** Every unit kind, in display order. */
export const unitKinds: readonly UnitKind[] = ['province', 'department', 'district', 'commune', 'unit'];

/** `closed` units (dissolved, merged, split) stay in the tree as history and keep their code forever. */
export type UnitStatus = 'active' | 'closed';

/** One organisation unit as other modules and the console see it. */
export interface OrgUnit {
  id: string;
  /** QCVN 102:2016 code in canonical form, e.g. `000.00.31.H23`. */
  code: string;
  name: string;
  shortName: string | null;
  kind: UnitKind;
  parentId: string | null;
  /** Distance from the root of its tree (0 for a root). */
  depth: number;
  status: UnitStatus;
  /** ISO date (YYYY-MM-DD) the unit started. */
  validFrom: string;
  /** ISO date the unit was closed; null while active. */
  validTo: string | null;
  address: string | null;
  email: string | null;
  phone: string | null;
}

/** Contact and naming fields a unit is created with or changed to. */
export interface UnitFields {
  name: string;
  shortName?: string | null;
  kind?: UnitKind;
  address?: string | null;
  email?: string | null;
  phone?: string | null;
}

/** When a change takes effect and which decision ordered it. */
export interface DecisionInfo {
  /** ISO date the change takes effect; defaults to today (Asia/Ho_Chi_Minh). Recorded, not scheduled. */
  effectiveDate?: string;
  /** The decision ordering the change, e.g. "Quyết định số 123/QĐ-UBND ngày 01/07/2025". */
  decisionRef?: string;
}

/** Input of `createUnit`. */
export interface CreateUnitInput extends UnitFields, DecisionInfo {
  /** The unit above; null or absent for a level-1 root (then `code` is required). */
  parentId?: string | null;
  /** Explicit code (full or unambiguous short form); omitted = the next free child code of the parent. */
  code?: string;
}

/** Input of `updateUnit`: only the fields given change; the code never changes here. */
export interface UpdateUnitInput extends DecisionInfo {
  id: string;
  name?: string;
  shortName?: string | null;
  kind?: UnitKind;
  address?: string | null;
  email?: string | null;
  phone?: string | null;
}

/** Re-parent a unit; its code (and its active descendants' codes) are re-issued under the new parent. */
export interface MoveInput extends DecisionInfo {
  type: 'move';
  unitId: string;
  newParentId: string;
  /** Explicit new code; omitted = the next free child code of the new parent. */
  code?: string;
  decisionRef: string;
}

/** One new unit created by a split. */
export interface SplitPart extends UnitFields {
  code?: string;
  /** Active subordinates of the split unit that move under this part. */
  childIds?: string[];
}

/** One unit becomes several new units under the same parent; the old one is closed with successor links. */
export interface SplitInput extends DecisionInfo {
  type: 'split';
  unitId: string;
  parts: SplitPart[];
  decisionRef: string;
}

/** Several units become one: an existing unit absorbs them, or a new unit is created. */
export interface MergeInput extends DecisionInfo {
  type: 'merge';
  /** Units closed by the merge; their active subordinates move under the target. */
  sourceIds: string[];
  /** The surviving unit (keeps its code); give this or `newUnit`. */
  targetId?: string;
  /** A new unit replacing all sources; its parent defaults to the sources' common parent. */
  newUnit?: UnitFields & { code?: string; parentId?: string };
  decisionRef: string;
}

/** Close a unit. Active subordinates must be moved in the same operation (`moveChildrenTo`). */
export interface DissolveInput extends DecisionInfo {
  type: 'dissolve';
  unitId: string;
  /** Where the active subordinates go; required when there are any. */
  moveChildrenTo?: string;
  /** A unit taking over the dissolved unit's functions, recorded as its successor. */
  successorId?: string;
  decisionRef: string;
}

/** Any reorganisation (LGSP-22). */
export type ReorganisationInput = MoveInput | SplitInput | MergeInput | DissolveInput;

/** The kinds of reorganisation. */
export type ReorganisationType = ReorganisationInput['type'];

/** One change a reorganisation makes, as shown in its preview. */
export interface PlannedChange {
  action: 'create' | 'close' | 'move' | 'recode';
  unitId: string;
  name: string;
  oldCode: string | null;
  newCode: string | null;
  /** The parent after the change (create, move). */
  parentId: string | null;
}

/** What a reorganisation would do (preview) or did. */
export interface ReorganisationResult {
  type: ReorganisationType;
  /** Shared by all history rows of this operation; null in a preview. */
  operationId: string | null;
  effectiveDate: string;
  changes: PlannedChange[];
}

/** Kinds of history rows. */
export type UnitEventType =
  | 'create'
  | 'update'
  | 'rename'
  | 'move'
  | 'recode'
  | 'split'
  | 'merge'
  | 'dissolve';

/** One row of a unit's history. */
export interface UnitEvent {
  id: number;
  operationId: string;
  operation: ReorganisationType | 'create' | 'update' | 'import';
  unitId: string;
  eventType: UnitEventType;
  effectiveDate: string;
  decisionRef: string | null;
  oldCode: string | null;
  newCode: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  relatedUnitIds: string[];
  actorName: string;
  recordedAt: Date;
}

/** A unit's history with the units it came from and the units that replaced it. */
export interface UnitHistory {
  events: UnitEvent[];
  predecessors: OrgUnit[];
  successors: OrgUnit[];
  /** Every code the unit has held, oldest first. */
  codes: { code: string; validFrom: string; validTo: string | null }[];
}

/** Where an identifier code leads today. */
export interface CodeResolution {
  /** The code asked for, in canonical form. */
  code: string;
  /**
   * `current`: the code is an active unit's code; `recoded`: the unit is active under a newer code;
   * `succeeded`: the unit is closed and others took over; `closed`: closed with no successor.
   */
  status: 'current' | 'recoded' | 'succeeded' | 'closed';
  /** The unit that held the code. */
  unit: OrgUnit;
  /** The active units responsible now (following successor links); empty when none. */
  current: OrgUnit[];
}

/** Filters of `listUnits`. */
export interface ListUnitsInput {
  /** Diacritic-insensitive search in name and short name, and prefix search in code. */
  q?: string;
  status?: UnitStatus | 'all';
  kind?: UnitKind;
  parentId?: string;
  limit?: number;
  offset?: number;
}

/** One unit found by `searchUnits`, with how well it matched and the name of its parent. */
export interface UnitSearchHit {
  unit: OrgUnit;
  /** 0: the exact code; 1: a name starting with the text, or a code ending with it; 2: any other match. */
  rank: 0 | 1 | 2;
  parentName: string | null;
}

/** A unit's code and name, for labelling rows of other modules. */
export interface UnitLabel {
  id: string;
  code: string;
  name: string;
}

/** Formats of import and export. */
export type TransferFormat = 'csv' | 'xlsx';

/** Input of `importUnits`. */
export interface ImportInput {
  format: TransferFormat;
  /** The file's bytes (a string is taken as UTF-8 CSV text). */
  data: Uint8Array | string;
  /** Validate only; write nothing. */
  dryRun?: boolean;
}

/** One rejected row of an import. `row` is the spreadsheet row number (the header is row 1). */
export interface ImportRowError {
  row: number;
  field: string;
  error: string;
  message: string;
}

/** What an import did (or would do, with `dryRun`). */
export interface ImportResult {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  dryRun: boolean;
}

/** An exported file. */
export interface ExportFile {
  filename: string;
  contentType: string;
  body: Buffer;
}
