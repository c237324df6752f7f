/**
 * @module demo/lgsp
 * The demo province's data exchange: connected applications of a few departments, the services they
 * provide and the rights between them, made through the LGSP registry's service (validated and audited
 * like an operator's). Services answer at the platform's own health address, so visitors see them online.
 */
import type { Ctx } from '../core/context.ts';
import type { RegistryService } from '../lgsp/registry/index.ts';

type Method = 'GET' | 'POST';

interface DemoApplication {
  unitKey: string;
  code: string;
  name: string;
  provides: { code: string; name: string; dataTypes: string[]; methods: Method[] }[];
}

/** Applications by unit key (see province.ts); codes are unique in the registry. */
export const demoApplications: DemoApplication[] = [
  {
    unitKey: 'office',
    code: 'qlvb-vpubnd',
    name: 'Hệ thống quản lý văn bản và điều hành',
    provides: [
      {
        code: 'van-ban',
        name: 'Liên thông văn bản điện tử',
        dataTypes: ['văn bản'],
        methods: ['GET', 'POST'],
      },
    ],
  },
  {
    unitKey: 'home',
    code: 'cbccvc-sonv',
    name: 'Phần mềm quản lý hồ sơ cán bộ, công chức, viên chức',
    provides: [{ code: 'can-bo', name: 'Tra cứu thông tin cán bộ', dataTypes: ['cán bộ'], methods: ['GET'] }],
  },
  {
    unitKey: 'health',
    code: 'yte-coso',
    name: 'Hệ thống thông tin y tế cơ sở',
    provides: [
      { code: 'tiem-chung', name: 'Tra cứu tiêm chủng', dataTypes: ['y tế', 'tiêm chủng'], methods: ['GET'] },
    ],
  },
  { unitKey: 'capital', code: 'motcua-tp', name: 'Phần mềm một cửa điện tử thành phố', provides: [] },
];

/** Who may call what: [caller application code, service code, operations]. */
export const demoRights: [string, string, Method[]][] = [
  ['motcua-tp', 'tiem-chung', ['GET']],
  ['motcua-tp', 'can-bo', ['GET']],
  ['motcua-tp', 'van-ban', ['GET', 'POST']],
  ['qlvb-vpubnd', 'can-bo', ['GET']],
];

/**
 * Registers the demo applications (each with a key pair whose secret is not kept: an operator rotates it to
 * hand one out), their services at `selfUrl` (health path /healthz) and the rights. Returns the counts.
 */
export async function fillDemoExchange(
  registry: RegistryService,
  ctx: Ctx,
  unitIdOf: (key: string) => string,
  selfUrl: string,
): Promise<{ applications: number; services: number; rights: number }> {
  const apps = new Map<string, string>();
  const services = new Map<string, string>();
  for (const a of demoApplications) {
    const app = await registry.createApplication(ctx, {
      unitId: unitIdOf(a.unitKey),
      code: a.code,
      name: a.name,
      kind: 'hmac',
    });
    await registry.issueKey(ctx, app.id);
    apps.set(a.code, app.id);
    for (const s of a.provides) {
      const created = await registry.createService(ctx, {
        applicationId: app.id,
        code: s.code,
        name: s.name,
        protocol: 'rest-json',
        baseUrl: selfUrl,
        healthPath: '/healthz',
        dataTypes: s.dataTypes,
        allowedMethods: s.methods,
      });
      services.set(s.code, created.id);
    }
  }
  for (const [appCode, serviceCode, operations] of demoRights) {
    await registry.setRight(ctx, apps.get(appCode)!, services.get(serviceCode)!, {
      operations,
      reason: 'Dữ liệu mô phỏng',
    });
  }
  return { applications: apps.size, services: services.size, rights: demoRights.length };
}
