/**
 * @module cli
 * The `tinhso` command. Each subcommand calls the same service functions as the HTTP API.
 */

import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { createApp, createServices, type Services } from './app.ts';
import { verifyChain } from './core/audit/index.ts';
import { restoreBackup } from './core/backup/index.ts';
import { type Config, loadConfig } from './core/config/index.ts';
import { systemCtx } from './core/context.ts';
import { AppError, isAppError } from './core/errors/index.ts';
import { CONSOLE_DIST, ensureConsoleBuilt } from './core/http/console.ts';
import { createLogger } from './core/log/logger.ts';
import { type Platform, startPlatform, stopPlatform } from './core/platform.ts';
import { DEMO_GROUP, fillDemoProvince } from './demo/index.ts';

const program = new Command('tinhso').description('Tỉnh Số: nền tảng chính quyền số cấp tỉnh');

function config(): Readonly<Config> {
  return loadConfig();
}

/** A progress bar on stderr when it is a terminal; silent otherwise (CI, pipes). */
function progressBar(label: string) {
  if (!process.stderr.isTTY) return { update: (_d: number, _t: number) => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total}`, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done: number, total: number) {
      if (!started) {
        bar.start(total, done);
        started = true;
      }
      bar.setTotal(total);
      bar.update(done);
    },
    stop: () => started && bar.stop(),
  };
}

/** Opens the platform quietly for one-shot commands (logs only warnings). */
async function withPlatform<T>(fn: (platform: Platform) => Promise<T>): Promise<T> {
  const cfg = config();
  const bar = progressBar('Migrations');
  const platform = await startPlatform(cfg, {
    log: createLogger(cfg.log.level === 'info' ? 'warn' : cfg.log.level),
    onMigrate: (done, total) => bar.update(done + 1, total),
  });
  bar.stop();
  try {
    return await fn(platform);
  } finally {
    await stopPlatform(platform);
  }
}

program
  .command('serve')
  .description('Chạy nền tảng (API và giao diện quản trị)')
  .action(async () => {
    const cfg = config();
    const platform = await startPlatform(cfg);
    const services = await createServices(platform);
    const consoleReady = await ensureConsoleBuilt(platform.log);
    const app = await createApp(platform, services, consoleReady ? { consoleDir: CONSOLE_DIST } : {});
    const first = await services.iam.bootstrap.ensureFirstAdmin();
    // Inputs and the scheduler start before the HTTP port opens: once /readyz answers, the node takes
    // events and runs its jobs, so a load balancer never routes to a half-started node.
    await services.soc.start();
    if (cfg.scheduler.enabled) services.scheduler.start();
    await app.listen({ host: cfg.http.host, port: cfg.http.port });
    const scheme = cfg.tls.mode === 'off' ? 'http' : 'https';
    const url = cfg.http.publicUrl || `${scheme}://localhost:${cfg.http.port}`;
    const lines = [
      '',
      `  Tỉnh Số đang chạy tại ${url}${consoleReady ? '' : ' (chỉ API: giao diện chưa được dựng)'}`,
      `  API: ${url}/api/docs`,
      platform.database.kind === 'pglite'
        ? `  Cơ sở dữ liệu nhúng (PGlite): ${cfg.dataDir}`
        : '  Cơ sở dữ liệu: PostgreSQL',
    ];
    if (first) {
      lines.push(
        '',
        '  Tài khoản quản trị đầu tiên (chỉ hiển thị MỘT lần, phải đổi khi đăng nhập lần đầu):',
        `    tên đăng nhập: ${first.username}`,
        `    mật khẩu:      ${first.password}`,
      );
    }
    process.stdout.write(`${lines.join('\n')}\n\n`);

    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      platform.log.info({ signal }, 'shutting down: finishing in-flight requests');
      const timer = setTimeout(() => process.exit(1), cfg.http.shutdownGraceMs).unref();
      await app.close();
      await services.scheduler.stop();
      await stopPlatform(platform);
      clearTimeout(timer);
      process.exit(0);
    };
    process.on('SIGINT', () => void shutdown('SIGINT'));
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
  });

program
  .command('migrate')
  .description('Áp dụng các bản cập nhật cấu trúc cơ sở dữ liệu')
  .action(async () => {
    await withPlatform(async () => {
      process.stdout.write('Cơ sở dữ liệu đã được cập nhật.\n');
    });
  });

const admin = program.command('admin').description('Quản trị tài khoản từ dòng lệnh');
admin
  .command('create <username>')
  .description('Tạo quản trị viên kỹ thuật với mật khẩu dùng một lần')
  .option('--name <fullName>', 'Họ và tên')
  .action(async (username: string, opts: { name?: string }) => {
    await withPlatform(async (platform) => {
      const services = await createServices(platform);
      const r = await services.iam.bootstrap.createAdmin(username, opts.name);
      process.stdout.write(`Đã tạo ${r.username}. Mật khẩu dùng một lần: ${r.password}\n`);
    });
  });
admin
  .command('reset-password <username>')
  .description('Đặt mật khẩu dùng một lần và mở khóa tài khoản')
  .action(async (username: string) => {
    await withPlatform(async (platform) => {
      const services = await createServices(platform);
      const r = await services.iam.bootstrap.resetPassword(username);
      process.stdout.write(`Mật khẩu dùng một lần của ${r.username}: ${r.password}\n`);
    });
  });
admin
  .command('unlock <username>')
  .description('Mở khóa tài khoản')
  .action(async (username: string) => {
    await withPlatform(async (platform) => {
      const services = await createServices(platform);
      await services.iam.bootstrap.unlock(username);
      process.stdout.write(`Đã mở khóa ${username}.\n`);
    });
  });

// LGSP keys from the command line, for operators without the console (the same registry service as the API).
const LGSP_CLI_PERMISSIONS = ['lgsp.registry.read', 'lgsp.keys.write'];

/** The application with this code (exact, case-insensitive), or a clear error naming what was searched. */
async function applicationByCode(services: Services, code: string) {
  const ctx = systemCtx('cli', LGSP_CLI_PERMISSIONS);
  const { items } = await services.lgsp.registry.service.listApplications(ctx, { q: code, limit: 500 });
  const found = items.find((a) => a.code.toLowerCase() === code.toLowerCase());
  if (!found) throw new AppError('LGSP_APPLICATION_NOT_FOUND', { id: code });
  return { ctx, app: found };
}

const keys = program.command('keys').description('Khóa truy xuất LGSP của các ứng dụng kết nối (Điều 10)');
keys
  .command('list')
  .description('Liệt kê ứng dụng kết nối và khóa truy xuất đang dùng')
  .action(async () => {
    await withPlatform(async (platform) => {
      const services = await createServices(platform);
      const ctx = systemCtx('cli', LGSP_CLI_PERMISSIONS);
      const { items } = await services.lgsp.registry.service.listApplications(ctx, { limit: 500 });
      for (const a of items) {
        process.stdout.write(
          `${a.unit.code}\t${a.code}\t${a.kind}\t${a.status}\t${a.activeAccessKey ?? '(chưa có khóa)'}\t${a.name}\n`,
        );
      }
      process.stdout.write(`${items.length} ứng dụng.\n`);
    });
  });
keys
  .command('rotate <applicationCode>')
  .description(
    'Cấp cặp khóa mới (khóa bí mật chỉ hiện một lần); khóa cũ còn dùng được trong thời gian chồng lấn',
  )
  .option('--reason <text>', 'Lý do đổi khóa')
  .action(async (code: string, opts: { reason?: string }) => {
    await withPlatform(async (platform) => {
      const services = await createServices(platform);
      const { ctx, app } = await applicationByCode(services, code);
      const issued = await services.lgsp.registry.service.rotateKey(ctx, app.id, {
        reason: opts.reason ?? null,
      });
      process.stdout.write(
        `Ứng dụng ${app.code} (${app.unit.code})\n  access_key: ${issued.key.accessKey}\n  secret_key: ${issued.secretKey}\n` +
          '  Khóa bí mật chỉ hiện lần này: hãy chuyển cho đơn vị qua kênh an toàn.\n' +
          (issued.replaced
            ? `  Khóa cũ ${issued.replaced.accessKey} còn được chấp nhận đến ${issued.replaced.validUntil ?? '?'}.\n`
            : ''),
      );
    });
  });
keys
  .command('revoke <accessKey>')
  .description('Thu hồi ngay một khóa truy xuất')
  .requiredOption('--reason <text>', 'Lý do thu hồi')
  .action(async (accessKey: string, opts: { reason: string }) => {
    await withPlatform(async (platform) => {
      const services = await createServices(platform);
      const ctx = systemCtx('cli', LGSP_CLI_PERMISSIONS);
      const key = await services.lgsp.registry.service.revokeKey(ctx, accessKey, { reason: opts.reason });
      process.stdout.write(`Đã thu hồi ${key.accessKey}.\n`);
    });
  });

program
  .command('backup')
  .description('Sao lưu cơ sở dữ liệu và cấu hình vào một tệp đã kiểm tra')
  .action(async () => {
    await withPlatform(async (platform) => {
      // Through the composed services, not a bare backup service: the backup then ends by the same
      // listeners as a scheduled or console backup (the notification to the holders of backup.read).
      const services = await createServices(platform);
      const bar = progressBar('Sao lưu');
      const record = await services.backup.backupNow(systemCtx('cli'), {
        trigger: 'cli',
        onProgress: (done, total) => bar.update(done, total),
      });
      bar.stop();
      process.stdout.write(
        `Đã sao lưu: ${record.file}\n  ${record.rowCount ?? 0} bản ghi, ${record.sizeBytes ?? 0} byte, sha256 ${record.sha256}\n  đã kiểm tra khôi phục: ${record.verified ? 'có' : 'không'}\n`,
      );
    });
  });

program
  .command('restore <file>')
  .description('Khôi phục bản sao lưu vào cơ sở dữ liệu trống')
  .action(async (file: string) => {
    const cfg = config();
    // Restore before any service seeds data (built-in roles), into a database that is still empty.
    const platform = await startPlatform(cfg, { log: createLogger('warn'), migrate: false });
    try {
      const bar = progressBar('Khôi phục');
      const result = await restoreBackup(platform, file, {
        onProgress: (done, total) => bar.update(done, total),
      });
      bar.stop();
      process.stdout.write(`Đã khôi phục ${result.rows} bản ghi vào ${result.tables.length} bảng.\n`);
    } finally {
      await stopPlatform(platform);
    }
  });

program
  .command('audit')
  .description('Nhật ký hệ thống')
  .command('verify')
  .description('Kiểm tra chuỗi băm của nhật ký (phát hiện sửa, xóa, chèn)')
  .action(async () => {
    await withPlatform(async (platform) => {
      const bar = progressBar('Kiểm tra');
      const result = await verifyChain(platform.db, (n) => bar.update(n, Math.max(n, 1)));
      bar.stop();
      for (const c of result.categories) {
        const state = c.brokenAtSeq === null ? 'toàn vẹn' : `BỊ THAY ĐỔI tại bản ghi ${c.brokenAtSeq}`;
        process.stdout.write(
          `  ${c.category.padEnd(10)} ${String(c.checked).padStart(8)} bản ghi  ${state}\n`,
        );
      }
      process.stdout.write(result.ok ? 'Nhật ký toàn vẹn.\n' : 'Nhật ký đã bị thay đổi!\n');
      process.exitCode = result.ok ? 0 : 3;
    });
  });

program
  .command('demo')
  .description(
    'Tạo một tỉnh mô phỏng (đơn vị, tài khoản) cho người dùng thử, trên cơ sở dữ liệu chưa có đơn vị',
  )
  .option('--code <code>', 'Mã định danh cấp 1 của tỉnh mô phỏng (QCVN 102:2016)', DEMO_GROUP)
  .action(async (opts: { code: string }) => {
    await withPlatform(async (platform) => {
      const services = await createServices(platform);
      const bar = progressBar('Dữ liệu mẫu');
      const result = await fillDemoProvince(services, {
        group: opts.code,
        selfUrl: `http://127.0.0.1:${platform.config.http.port}`,
        onProgress: (done, total) => bar.update(done, total),
      });
      bar.stop();
      const rows = [
        ['Tên đăng nhập', 'Vai trò', 'Phạm vi', 'Đơn vị', 'Mật khẩu dùng một lần'],
        ...result.accounts.map((a) => [
          a.username,
          a.role,
          a.scope,
          a.unitName,
          a.oneTimePassword ?? '(đã có từ trước, không đổi)',
        ]),
      ];
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...r[i]!].length)));
      const line = (r: string[]) => `  ${r.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd();
      process.stdout.write(
        [
          `Đã tạo tỉnh mô phỏng ${result.root.name} (${result.root.code}): ${result.units} đơn vị, ${result.accounts.length} tài khoản.`,
          ...(result.exchange
            ? [
                `LGSP: ${result.exchange.applications} ứng dụng kết nối, ${result.exchange.services} dịch vụ, ${result.exchange.rights} quyền truy xuất (khóa bí mật: cấp lại bằng \`tinhso keys rotate <mã ứng dụng>\`).`,
              ]
            : []),
          '',
          'Tài khoản dùng thử (mật khẩu chỉ hiển thị MỘT lần, phải đổi khi đăng nhập lần đầu):',
          '',
          line(rows[0]!),
          line(widths.map((w) => '-'.repeat(w))),
          ...rows.slice(1).map(line),
          '',
        ].join('\n'),
      );
    });
  });

// A SIEM worker (issue #6, NATS mode): consumes the raw-event stream, parses, enriches and stores; no HTTP,
// no inputs, no scheduled jobs, so workers scale apart from the collectors.
program
  .command('soc-worker')
  .description(
    'Chạy tiến trình xử lý sự kiện SIEM từ NATS JetStream (phân tích, chuẩn hóa, lưu), không phục vụ HTTP',
  )
  .action(async () => {
    const cfg = loadConfig({
      overrides: { 'soc.processing.worker': true, 'soc.syslog.autostart': false, 'scheduler.enabled': false },
    });
    if (!cfg.nats.url) {
      throw new AppError('CONFIG_INVALID', {
        summary: 'nats.url (TINHSO_NATS_URL) is required: a SIEM worker consumes the NATS JetStream stream',
      });
    }
    const platform = await startPlatform(cfg);
    const services = await createServices(platform);
    await services.soc.start();
    process.stdout.write(`soc-worker ready (stream ${cfg.soc.processing.nats.stream})\n`);
    let stopping = false;
    const shutdown = async () => {
      if (stopping) return;
      stopping = true;
      // The batch in progress is committed and acknowledged; messages not yet taken stay in the stream.
      const timer = setTimeout(() => process.exit(1), cfg.http.shutdownGraceMs).unref();
      await services.soc.close();
      await stopPlatform(platform);
      clearTimeout(timer);
      process.exit(0);
    };
    process.on('SIGINT', () => void shutdown());
    process.on('SIGTERM', () => void shutdown());
  });

program.parseAsync().catch((err: unknown) => {
  if (isAppError(err, 'CONFIG_INVALID')) {
    const problems = (err.details.problems as string[] | undefined) ?? [String(err.details.summary)];
    process.stderr.write(
      `Cấu hình không hợp lệ / invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`,
    );
    process.exit(2);
  }
  if (isAppError(err)) {
    process.stderr.write(`${err.code}: ${err.localized('vi')}\n`);
    process.exit(1);
  }
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
