/**
 * @module org/schema
 * TypeBox schemas of the organisation API: request validation at the edge (closed objects, bounded
 * strings) and the response shapes published in OpenAPI.
 */
import { Type } from 'typebox';
import { Nullable } from '../core/http/schema.ts';
import { limits } from './model.ts';

const closed = { additionalProperties: false } as const;

/** A unit id. */
export const Id = Type.String({ format: 'uuid' });

/** A QCVN 102:2016 code as typed by a user (full or unambiguous short form). */
export const CodeInput = Type.String({ minLength: 1, maxLength: limits.code, examples: ['000.00.31.H23'] });

/** A unit kind. */
export const Kind = Type.Union([
  Type.Literal('province'),
  Type.Literal('department'),
  Type.Literal('district'),
  Type.Literal('commune'),
  Type.Literal('unit'),
]);

const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });

const Name = Type.String({ minLength: 1, maxLength: limits.name });
const ShortName = Nullable(Type.String({ maxLength: limits.shortName }));
const Address = Nullable(Type.String({ maxLength: limits.address }));
const Email = Nullable(Type.String({ maxLength: limits.email }));
const Phone = Nullable(Type.String({ maxLength: limits.phone }));
const EffectiveDate = Type.Optional(IsoDate);
const DecisionRef = Type.String({
  minLength: 1,
  maxLength: limits.decisionRef,
  examples: ['Quyết định số 123/QĐ-UBND ngày 01/07/2025'],
});

/** `:id` path parameter. */
export const IdParams = Type.Object({ id: Id }, closed);

/** `:code` path parameter. */
export const CodeParams = Type.Object({ code: CodeInput }, closed);

/** A unit as returned by the API. */
export const UnitView = Type.Object(
  {
    id: Type.String(),
    code: Type.String(),
    name: Type.String(),
    shortName: Type.Union([Type.String(), Type.Null()]),
    kind: Kind,
    parentId: Type.Union([Type.String(), Type.Null()]),
    depth: Type.Integer(),
    status: Type.Union([Type.Literal('active'), Type.Literal('closed')]),
    validFrom: Type.String(),
    validTo: Type.Union([Type.String(), Type.Null()]),
    address: Type.Union([Type.String(), Type.Null()]),
    email: Type.Union([Type.String(), Type.Null()]),
    phone: Type.Union([Type.String(), Type.Null()]),
  },
  closed,
);

/** Query of the unit list. */
export const ListQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({ maxLength: limits.search, description: 'Tìm theo tên (không dấu) hoặc mã' }),
    ),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('closed'), Type.Literal('all')])),
    kind: Type.Optional(Kind),
    parentId: Type.Optional(Id),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  },
  closed,
);

/** A page of units. */
export const UnitPage = Type.Object({ items: Type.Array(UnitView), total: Type.Integer() }, closed);

/** Query of the tree. */
export const TreeQuery = Type.Object(
  {
    rootId: Type.Optional(Id),
    includeClosed: Type.Boolean({ default: false }),
  },
  closed,
);

/** Body of unit creation. */
export const CreateUnitBody = Type.Object(
  {
    parentId: Type.Optional(Type.Union([Id, Type.Null()])),
    code: Type.Optional(CodeInput),
    name: Name,
    shortName: Type.Optional(ShortName),
    kind: Type.Optional(Kind),
    address: Type.Optional(Address),
    email: Type.Optional(Email),
    phone: Type.Optional(Phone),
    effectiveDate: EffectiveDate,
    decisionRef: Type.Optional(DecisionRef),
  },
  closed,
);

/** Body of a unit update (rename, contact details); the code cannot be changed here. */
export const UpdateUnitBody = Type.Object(
  {
    name: Type.Optional(Name),
    shortName: Type.Optional(ShortName),
    kind: Type.Optional(Kind),
    address: Type.Optional(Address),
    email: Type.Optional(Email),
    phone: Type.Optional(Phone),
    effectiveDate: EffectiveDate,
    decisionRef: Type.Optional(DecisionRef),
  },
  { ...closed, minProperties: 1 },
);

const NewUnitFields = {
  name: Name,
  shortName: Type.Optional(ShortName),
  kind: Type.Optional(Kind),
  code: Type.Optional(CodeInput),
  address: Type.Optional(Address),
  email: Type.Optional(Email),
  phone: Type.Optional(Phone),
};

const MoveBody = Type.Object(
  {
    type: Type.Literal('move'),
    unitId: Id,
    newParentId: Id,
    code: Type.Optional(CodeInput),
    effectiveDate: EffectiveDate,
    decisionRef: DecisionRef,
  },
  closed,
);

const SplitBody = Type.Object(
  {
    type: Type.Literal('split'),
    unitId: Id,
    parts: Type.Array(
      Type.Object({ ...NewUnitFields, childIds: Type.Optional(Type.Array(Id, { maxItems: 1000 })) }, closed),
      { minItems: 2, maxItems: 50 },
    ),
    effectiveDate: EffectiveDate,
    decisionRef: DecisionRef,
  },
  closed,
);

const MergeBody = Type.Object(
  {
    type: Type.Literal('merge'),
    sourceIds: Type.Array(Id, { minItems: 1, maxItems: 100 }),
    targetId: Type.Optional(Id),
    newUnit: Type.Optional(Type.Object({ ...NewUnitFields, parentId: Type.Optional(Id) }, closed)),
    effectiveDate: EffectiveDate,
    decisionRef: DecisionRef,
  },
  closed,
);

const DissolveBody = Type.Object(
  {
    type: Type.Literal('dissolve'),
    unitId: Id,
    moveChildrenTo: Type.Optional(Id),
    successorId: Type.Optional(Id),
    effectiveDate: EffectiveDate,
    decisionRef: DecisionRef,
  },
  closed,
);

/** Body of a reorganisation or its preview: one of move, split, merge, dissolve (field `type`). */
export const ReorganisationBody = Type.Union([MoveBody, SplitBody, MergeBody, DissolveBody]);

/** What a reorganisation changes (or would change). */
export const ReorganisationView = Type.Object(
  {
    type: Type.Union([
      Type.Literal('move'),
      Type.Literal('split'),
      Type.Literal('merge'),
      Type.Literal('dissolve'),
    ]),
    operationId: Type.Union([Type.String(), Type.Null()]),
    effectiveDate: Type.String(),
    changes: Type.Array(
      Type.Object(
        {
          action: Type.Union([
            Type.Literal('create'),
            Type.Literal('close'),
            Type.Literal('move'),
            Type.Literal('recode'),
          ]),
          unitId: Type.String(),
          name: Type.String(),
          oldCode: Type.Union([Type.String(), Type.Null()]),
          newCode: Type.Union([Type.String(), Type.Null()]),
          parentId: Type.Union([Type.String(), Type.Null()]),
        },
        closed,
      ),
    ),
  },
  closed,
);

/** Query of a unit's history. */
export const HistoryQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }) },
  closed,
);

/** A unit's history. */
export const HistoryView = Type.Object(
  {
    events: Type.Array(
      Type.Object(
        {
          id: Type.Integer(),
          operationId: Type.String(),
          operation: Type.String(),
          unitId: Type.String(),
          eventType: Type.String(),
          effectiveDate: Type.String(),
          decisionRef: Type.Union([Type.String(), Type.Null()]),
          oldCode: Type.Union([Type.String(), Type.Null()]),
          newCode: Type.Union([Type.String(), Type.Null()]),
          before: Type.Unknown(),
          after: Type.Unknown(),
          relatedUnitIds: Type.Array(Type.String()),
          actorName: Type.String(),
          recordedAt: Type.String({ format: 'date-time' }),
        },
        closed,
      ),
    ),
    predecessors: Type.Array(UnitView),
    successors: Type.Array(UnitView),
    codes: Type.Array(
      Type.Object(
        { code: Type.String(), validFrom: Type.String(), validTo: Type.Union([Type.String(), Type.Null()]) },
        closed,
      ),
    ),
  },
  closed,
);

/** Where a code leads today. */
export const ResolutionView = Type.Object(
  {
    code: Type.String(),
    status: Type.Union([
      Type.Literal('current'),
      Type.Literal('recoded'),
      Type.Literal('succeeded'),
      Type.Literal('closed'),
    ]),
    unit: UnitView,
    current: Type.Array(UnitView),
  },
  closed,
);

/** The suggested code for a new child. */
export const NextCodeView = Type.Object({ code: Type.String() }, closed);

/** Largest base64 text accepted by the import route (an 8 MiB file). */
export const MAX_IMPORT_BASE64 = Math.ceil((8 * 1024 * 1024) / 3) * 4;

/**
 * Body of an import: the file itself, base64-encoded, in a JSON body. One route serves CSV and XLSX,
 * needs no multipart parser, and keeps the usual JSON validation and error handling.
 */
export const ImportBody = Type.Object(
  {
    format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')]),
    content: Type.String({
      minLength: 1,
      maxLength: MAX_IMPORT_BASE64,
      pattern: '^[A-Za-z0-9+/\\r\\n]*={0,2}[\\r\\n]*$',
      contentEncoding: 'base64',
      description: 'Nội dung tệp mã hóa base64',
    }),
    dryRun: Type.Boolean({ default: false, description: 'Chỉ kiểm tra, không ghi' }),
  },
  closed,
);

/** What an import did. */
export const ImportView = Type.Object(
  {
    rows: Type.Integer(),
    created: Type.Integer(),
    updated: Type.Integer(),
    unchanged: Type.Integer(),
    dryRun: Type.Boolean(),
  },
  closed,
);

/** Query of the export. */
export const ExportQuery = Type.Object(
  { format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { default: 'csv' }) },
  closed,
);
