#!/usr/bin/env node
/**
 * The `stopout` command. The one place where outcomes become exit codes: 0 done, 2 bad input or
 * usage (a message that names the field), 1 a bug (a one-line message; STOPOUT_DEBUG=1 shows the
 * stack).
 */
import { Command, CommanderError, Option } from 'commander';
import { demoSimulationText, demoText } from './demo.js';
import { EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK } from './exit-codes.js';
import { runReplay } from './replay-command.js';
import { runImport, type ImportOptions } from './import-command.js';
import { IMPORT_VENUES } from '../import/index.js';
import { runReport, type CommandOutput, type ReportFormat } from './report-command.js';
import { runLedgerVerify } from './ledger-command.js';
import { runServe, type ServeFlags } from './serve-command.js';
import { runSimulate, type SimulateOptions } from './simulate-command.js';

/** A command's outcome, written out: its output, its messages, its exit code. */
function emit(output: CommandOutput): void {
  process.stdout.write(output.stdout);
  process.stderr.write(output.stderr);
  process.exitCode = output.exitCode;
}

function program(): Command {
  const root = new Command('stopout')
    .description('Exact leveraged-trading risk: margin calls, liquidation prices, gap losses and who pays the deficit.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  root.command('report')
    .description('the full risk report of one account snapshot: venue, account, positions, marks, shocks (see the README, section "The report")')
    .argument('<file>', "a snapshot JSON file, or '-' for standard input")
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'table']).default('json'))
    .action(async (file: string, options: { format: ReportFormat }) => {
      emit(await runReport(file, options.format));
    });
  root.command('import')
    .description('an account as the venue\'s API gives it: saved responses (or fetched live) in, a report snapshot out (see the README, section "Imports")')
    .argument('<venue>', `the venue: ${IMPORT_VENUES.join(', ')}`)
    .argument('[files...]', "the venue's API responses as saved JSON files, in any order ('-' for standard input)")
    .option('--check', 'print {snapshot, check}: each figure the venue reported beside ours, agreeing within a tick or not, and why not')
    .addOption(new Option('--format <format>', 'with --check: JSON, or a readable table').choices(['json', 'table']).default('json'))
    .option('--address <address>', 'fetch live by address: public data (hyperliquid, dydx-v4)')
    .option('--subaccount <n>', 'dydx-v4: the subaccount number (default 0)')
    .option('--live', 'fetch live with a read-only key in STOPOUT_<VENUE>_KEY and STOPOUT_<VENUE>_SECRET (binance-usdm, binance-coinm, bybit-linear)')
    .option('--api-url <url>', 'fetch from this host instead of the venue\'s (a testnet, a recording)')
    .option('--venue <id>', 'ccxt: the venue whose raw `info` the unified objects carry')
    .action(async (venue: string, files: string[], options: ImportOptions) => {
      emit(await runImport(venue, files, options));
    });
  root.command('replay')
    .description('run the engine over a scenario: commands and a price file in, events out (see the README, section "The engine")')
    .argument('<file>', "a scenario JSON file, or '-' for standard input")
    .option('--summary', 'print one JSON object: the final account, positions, totals and event counts')
    .addOption(new Option('--format <format>', 'events as JSON lines, or a readable timeline').choices(['json', 'table']).default('json'))
    .option('--prices <file>', "a price file to use instead of the scenario's prices.file")
    .option('--funding <file>', "a funding-rate history (Binance's symbol,fundingTime,fundingRate,markPrice) to use instead of the scenario's funding.file")
    .option('--save-state <file>', 'write the final engine state, a scenario start to go on from')
    .action(async (file: string, options: { summary?: boolean; format: 'json' | 'table'; prices?: string; funding?: string; saveState?: string }) => {
      emit(await runReplay(file, options));
    });
  root.command('simulate')
    .description('many price paths through the engine: the chance of a margin call, a liquidation, a negative balance, a debt (see the README, section "The simulator")')
    .argument('<file>', "a simulation JSON file, or '-' for standard input")
    .option('--json', 'print the results object instead of a table')
    .option('--paths <n>', 'paths to run (overrides the file)')
    .option('--seed <n>', 'the random seed (overrides the file)')
    .option('--workers <n>', 'threads to run on (default: the number of cores, fewer for a small run); results do not depend on it')
    .action(async (file: string, options: SimulateOptions) => {
      emit(await runSimulate(file, options));
    });
  root.command('serve')
    .description('the service: many accounts live, a durable ledger, a price feed in, margin calls and liquidations out (see the README, section "The service")')
    .option('--port <port>', 'the port to listen on (0: any free one)', '8080')
    .option('--host <host>', 'the address to listen on', '127.0.0.1')
    .option('--data <folder>', 'the ledger\'s folder (SQLite); made when missing', 'stopout-data')
    .option('--demo', 'also run the demo: accounts at several venues on a live simulated feed, with a crash (ledger in a fresh temporary folder unless --data)')
    .option('--rate-limit <n>', 'requests per minute per key (0: none)', '120000')
    .option('--max-path-steps <n>', 'POST /v1/simulate: the most paths × steps one request may ask for', '100000000')
    .option('--snapshot-every <n>', 'a snapshot after this many ledger entries', '100000')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (default info; warn with --demo)')
    .addOption(new Option('--webhook-base-delay-ms <ms>', 'the first webhook retry after this long').hideHelp())
    .addOption(new Option('--webhook-attempts <n>', 'webhook attempts before a dead letter').hideHelp())
    .addOption(new Option('--heartbeat-ms <ms>', 'SSE keep-alive interval').hideHelp())
    .addOption(new Option('--deadline-check-ms <ms>', 'how often Reg T deadlines are looked for (0: never)').hideHelp())
    .action(async (options: ServeFlags, command: Command) => {
      const given = command.getOptionValueSource('data') === 'cli';
      process.exitCode = await runServe({ ...options, ...(given ? {} : { data: options.demo ? undefined : options.data }) } as ServeFlags);
    });
  root.command('ledger')
    .description("audit a service's ledger")
    .command('verify')
    .description('fold every entry from the first, and again from the last snapshot, and compare the state hashes (STOPOUT_DATABASE_URL for PostgreSQL)')
    .option('--data <folder>', "the SQLite ledger's folder", 'stopout-data')
    .action(async (options: { data: string }) => {
      process.exitCode = await runLedgerVerify(options.data);
    });
  root.command('demo')
    .description('the two accounts that started Stopout, $500 at 1:75 with negative balance protection and $1,000 at 100x without, side by side: who loses what, and who owes what')
    .action(async () => {
      process.stdout.write(`${demoText()}\n\n`);
      process.stdout.write(`${await demoSimulationText()}\n`);
    });
  return root;
}

/**
 * The first word that is not an option, when it names no command. Checked before commander
 * parses, because commander answers `stopout nonsense --help` with the general help and exit 0.
 */
function unknownCommand(root: Command, argv: readonly string[]): string | undefined {
  const word = argv.slice(2).find((argument) => !argument.startsWith('-'));
  const known = [...root.commands.map((command) => command.name()), 'help'];
  return word !== undefined && !known.includes(word) ? word : undefined;
}

async function main(argv: readonly string[]): Promise<void> {
  const root = program();
  const unknown = unknownCommand(root, argv);
  if (unknown !== undefined) {
    process.stderr.write(`stopout: unknown command ${JSON.stringify(unknown)}; commands: ${root.commands.map((command) => command.name()).join(', ')}\n`);
    process.exitCode = EXIT_BAD_INPUT;
    return;
  }
  try {
    await root.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
      return;
    }
    process.stderr.write(`stopout: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.STOPOUT_DEBUG && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
    process.exitCode = EXIT_INTERNAL;
  }
}

await main(process.argv);
