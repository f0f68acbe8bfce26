// The `plaza` command line: serve, migrate, admin create, ledger verify, help. Exit codes: 0 success, 1 the work
// failed (a ledger problem, a database error), 2 the invocation was wrong (unknown command or option, bad config).
// Errors are one line on stderr, never a stack trace.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { identityDeps } from './admin/deps.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { systemClock } from './core/clock.js';
import { createSecretBox } from './core/crypto/secretbox.js';
import { ensureAdminDeveloper, findDeveloperByUsername } from './core/identity/developers.js';
import { verifyLedger } from './core/ledger/verify.js';
// Modules that seal their own entries into blocks register them on import; `ledger verify` recomputes Merkle roots
// over the same entries, so it loads every seal source even though it never starts the server.
import './modules/yoyow/records.js';
import { openDatabase, type Database } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';

type Env = Record<string, string | undefined>;
type Options = NonNullable<ParseArgsConfig['options']>;

class UsageError extends Error {}

interface Command {
  name: string;
  summary: string;
  usage: string;
  options: Options;
  run(values: Record<string, string | boolean | undefined>, env: Env): Promise<number>;
}

const ENV_HELP = `Configuration comes from environment variables, among them:
  PLAZA_DATABASE_URL   sqlite:<file> or postgres://… (default sqlite:<PLAZA_DATA_DIR>/plaza.db)
  PLAZA_DATA_DIR       data directory (default ./data; holds master.key when PLAZA_MASTER_KEY is unset)
  PLAZA_HOST, PLAZA_PORT, PLAZA_PUBLIC_URL, PLAZA_LOG_LEVEL, PLAZA_BLOCK_INTERVAL_MS, PLAZA_SHUTDOWN_GRACE_MS,
  PLAZA_ADMIN_USERNAME + PLAZA_ADMIN_PASSWORD (admin ensured at start-up), PLAZA_CONFIG_FILE (JSON)`;

const write = (line: string) => process.stdout.write(`${line}\n`);
const fail = (line: string) => process.stderr.write(`${line}\n`);

async function withDatabase<T>(config: Config, work: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase(config.databaseUrl);
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

const serve: Command = {
  name: 'serve',
  summary: 'migrate the database, then serve HTTP until SIGINT or SIGTERM',
  usage: 'plaza serve',
  options: {},
  async run(_values, env) {
    const config = loadConfig(env);
    // Loaded here: the server pulls in every dialect and its libraries, which `help`, `migrate` and `ledger verify` never need.
    const { startPlaza } = await import('./lifecycle.js');
    const plaza = await startPlaza(config);
    await new Promise<void>((resolve) => {
      const stop = (signal: NodeJS.Signals) => {
        // A second signal while draining means "now".
        process.once(signal, () => process.exit(1));
        plaza.server.app.log.info({ signal }, 'shutting down');
        plaza.close().then(resolve, (err: unknown) => {
          fail(`plaza: shutdown failed: ${(err as Error).message}`);
          process.exit(1);
        });
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};

const migrate: Command = {
  name: 'migrate',
  summary: 'apply pending database migrations and exit',
  usage: 'plaza migrate',
  options: {},
  async run(_values, env) {
    const config = loadConfig(env);
    const report = await withDatabase(config, migrateToLatest);
    write(report.applied.length === 0 ? 'database is up to date' : `applied ${report.applied.length} migration(s): ${report.applied.join(', ')}`);
    return 0;
  },
};

async function readStdinPassword(): Promise<string | null> {
  if (process.stdin.isTTY) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const first = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  return first === '' ? null : first;
}

const adminCreate: Command = {
  name: 'admin create',
  summary: 'create a developer with the admin role (password from --password, PLAZA_ADMIN_PASSWORD or stdin)',
  usage: 'plaza admin create --username <name> [--password <password>]\n       echo "$PASSWORD" | plaza admin create --username <name>',
  options: { username: { type: 'string', short: 'u' }, password: { type: 'string', short: 'p' } },
  async run(values, env) {
    const username = (values.username as string | undefined) ?? env.PLAZA_ADMIN_USERNAME;
    if (!username) throw new UsageError('admin create needs --username');
    const password = (values.password as string | undefined) ?? env.PLAZA_ADMIN_PASSWORD ?? (await readStdinPassword());
    if (!password) throw new UsageError('admin create needs a password: --password, PLAZA_ADMIN_PASSWORD or one line on stdin');
    if (password.length < 6) throw new UsageError('the password must be at least 6 characters');
    // The admin named here is created explicitly; the start-up pair is not required to be complete.
    const config = loadConfig({ ...env, PLAZA_ADMIN_USERNAME: undefined, PLAZA_ADMIN_PASSWORD: undefined });
    return withDatabase(config, async (database) => {
      await migrateToLatest(database);
      const deps = identityDeps({ config, clock: systemClock, box: createSecretBox(config.masterKey) });
      const before = await findDeveloperByUsername(database.db, username);
      const developer = await ensureAdminDeveloper(database.db, { username, password }, deps);
      if (before) {
        fail(`plaza: developer ${developer.username} already exists (id ${developer.id}, role ${developer.roleName}); nothing changed`);
        return 1;
      }
      write(`created admin developer ${developer.username} (id ${developer.id})`);
      return 0;
    });
  },
};

const ledgerVerify: Command = {
  name: 'ledger verify',
  summary: 'recheck the ledger from scratch: balances, zero sums, txids and the block hash chain',
  usage: 'plaza ledger verify',
  options: {},
  async run(_values, env) {
    const config = loadConfig(env);
    const report = await withDatabase(config, verifyLedger);
    const stats = Object.entries(report.stats as Record<string, unknown>)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ');
    if (report.ok) {
      write(`ledger ok: ${stats}`);
      return 0;
    }
    for (const problem of report.problems) fail(typeof problem === 'string' ? problem : JSON.stringify(problem));
    fail(`ledger verify found ${report.problems.length} problem(s): ${stats}`);
    return 1;
  },
};

const COMMANDS: readonly Command[] = [serve, migrate, adminCreate, ledgerVerify];

function commandHelp(c: Command): string {
  const opts = Object.entries(c.options).map(([name, o]) => `  --${name}${o.short ? `, -${o.short}` : ''}${o.type === 'string' ? ' <value>' : ''}`);
  return [`${c.summary}\n\nUsage: ${c.usage}`, ...(opts.length ? ['\nOptions:', ...opts] : []), `\n${ENV_HELP}`].join('\n');
}

function globalHelp(): string {
  const rows = COMMANDS.map((c) => `  ${c.name.padEnd(15)} ${c.summary}`);
  return ['Plaza: a self-hostable open app platform.', '', 'Usage: plaza <command> [options]', '', 'Commands:', ...rows, `  ${'help [command]'.padEnd(15)} show help`, '', ENV_HELP].join('\n');
}

/** The command named by the first one or two words, and the remaining arguments. */
function findCommand(argv: readonly string[]): { command: Command; rest: string[] } | null {
  for (const c of COMMANDS) {
    const words = c.name.split(' ');
    if (words.every((w, i) => argv[i] === w)) return { command: c, rest: argv.slice(words.length) };
  }
  return null;
}

export async function runCli(argv: readonly string[], env: Env): Promise<number> {
  const [first] = argv;
  if (first === undefined) {
    fail(globalHelp());
    return 2;
  }
  if (first === '--help' || first === '-h' || (first === 'help' && argv.length === 1)) {
    write(globalHelp());
    return 0;
  }
  const helpFor = first === 'help' ? findCommand(argv.slice(1)) : null;
  if (helpFor) {
    write(commandHelp(helpFor.command));
    return 0;
  }
  const found = findCommand(argv);
  if (!found) throw new UsageError(`unknown command "${argv.join(' ')}"; run "plaza --help"`);
  const { values, positionals } = parseArgs({
    args: found.rest,
    options: { ...found.command.options, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    write(commandHelp(found.command));
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" for ${found.command.name}`);
  return found.command.run(values, env);
}

function isArgError(err: unknown): boolean {
  return typeof (err as { code?: unknown })?.code === 'string' && (err as { code: string }).code.startsWith('ERR_PARSE_ARGS');
}

async function main(): Promise<void> {
  let code: number;
  try {
    code = await runCli(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      fail(`plaza: configuration error: ${err.message}`);
      code = 2;
    } else if (err instanceof UsageError || isArgError(err)) {
      fail(`plaza: ${(err as Error).message}`);
      code = 2;
    } else {
      fail(`plaza: ${err instanceof Error ? err.message : String(err)}`);
      code = 1;
    }
  }
  process.exit(code);
}

await main();
