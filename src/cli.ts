/**
 * @module cli
 * The `tinhso` command. Each subcommand calls the same service functions as the HTTP API.
 */

import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { createApp, createServices } from './app.ts';
import { verifyChain } from './core/audit/index.ts';
import { restoreBackup } from './core/backup/index.ts';
import { type Config, loadConfig } from './core/config/index.ts';
import { systemCtx } from './core/context.ts';
import { isAppError } from './core/errors/index.ts';
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
    await app.listen({ host: cfg.http.host, port: cfg.http.port });
    if (cfg.scheduler.enabled) services.scheduler.start();
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
