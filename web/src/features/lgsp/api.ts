/**
 * Types of the LGSP screens, taken from the typed client (generated from the server's schemas), and the query
 * keys they share so a change on one screen refreshes the others.
 */
import type { ResponseOf } from '../../api/client';

export type ConnectedUnit = ResponseOf<'/api/lgsp/units', 'get'>['items'][number];
export type Application = ResponseOf<'/api/lgsp/applications/{id}', 'get'>;
export type Key = ResponseOf<'/api/lgsp/applications/{id}/keys', 'get'>[number];
export type Service = ResponseOf<'/api/lgsp/services/{id}', 'get'>;
export type Right = ResponseOf<'/api/lgsp/rights', 'get'>['items'][number];
export type Matrix = ResponseOf<'/api/lgsp/rights/matrix', 'get'>;
export type RightHistory = ResponseOf<'/api/lgsp/rights/history', 'get'>['items'][number];
export type DirectoryEntry = ResponseOf<'/api/lgsp/directory', 'get'>['items'][number];

/** HTTP methods a service may accept, in the server's order. */
export const httpMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export const protocols = ['rest-json', 'rest-xml', 'soap'] as const;

/** Query keys (prefixes) of the LGSP data. */
export const lgspKeys = {
  units: ['lgsp', 'units'] as const,
  applications: ['lgsp.applications'] as const,
  application: (id: string) => ['lgsp', 'application', id] as const,
  keys: (id: string) => ['lgsp', 'keys', id] as const,
  services: ['lgsp.services'] as const,
  service: (id: string) => ['lgsp', 'service', id] as const,
  rights: ['lgsp', 'rights'] as const,
  availability: ['lgsp', 'availability'] as const,
};
