/**
 * @module org
 * Public surface of the organisation module: the service factory, its routes, the data shapes, and the
 * pure QCVN 102:2016 code helpers. Other modules use only what is exported here, never org's tables.
 */

export {
  assertCodeFitsParent,
  type CodeLevel,
  codeLevel,
  isChildCodeOf,
  nextFreeChildCode,
  normaliseCode,
  type ParsedCode,
  parentCodeOf,
  parseCode,
  tryNormaliseCode,
} from './code.ts';
export { orgRoutes } from './routes.ts';
export { createOrgService, type OrgPlatform, type OrgService } from './service.ts';
export type {
  CodeResolution,
  CreateUnitInput,
  DecisionInfo,
  DissolveInput,
  ExportFile,
  ImportInput,
  ImportResult,
  ImportRowError,
  ListUnitsInput,
  MergeInput,
  MoveInput,
  OrgUnit,
  PlannedChange,
  ReorganisationInput,
  ReorganisationResult,
  ReorganisationType,
  SplitInput,
  SplitPart,
  TransferFormat,
  UnitEvent,
  UnitEventType,
  UnitFields,
  UnitHistory,
  UnitKind,
  UnitLabel,
  UnitSearchHit,
  UnitStatus,
  UpdateUnitInput,
} from './types.ts';
export { unitKinds } from './types.ts';
