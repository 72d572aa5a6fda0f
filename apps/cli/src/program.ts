import { Command, CommanderError } from "commander";
import { ApiClient } from "./client";
import { catalogCommands } from "./commands/catalog";
import { predictCommand } from "./commands/predict";
import { studyCommands } from "./commands/studies";
import { trainingCommands, type Runner } from "./commands/training";
import { CliError, readEnv } from "./env";

/** Where the CLI writes: stdout for answers, stderr for progress and errors. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const processIo: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/**
 * Runs `mlw` with `argv` (as process.argv) and answers its exit code: 0 on success, 1 when the
 * API or the input refused (its code and message on stderr, and with --json as the last line
 * of stdout), 2 on a usage error.
 */
export async function runCli(argv: readonly string[], io: Io = processIo): Promise<number> {
  const program = new Command("mlw")
    .description("The ML worker service from the command line (MLW_URL, MLW_API_KEY).")
    .option("--json", "print one single-line JSON document (last on stdout) instead of text")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  let json = false;
  const run: Runner = (action) =>
    async function (this: Command, ...args: any[]) {
      json = Boolean(this.optsWithGlobals().json);
      const outcome = await action(new ApiClient(readEnv()), ...args.slice(0, -1));
      io.out(json ? `${JSON.stringify(outcome.data)}\n` : outcome.text.endsWith("\n") ? outcome.text : `${outcome.text}\n`);
    };
  trainingCommands(program, run);
  studyCommands(program, run);
  catalogCommands(program, run);
  predictCommand(program, run);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    const error = e instanceof CliError ? e : new CliError("CLI_ERROR", (e as Error).message);
    io.err(`mlw: ${error.code}: ${error.message}\n`);
    if (json || argv.includes("--json")) io.out(`${JSON.stringify({ error: { code: error.code, message: error.message, ...(error.status ? { status: error.status } : {}) } })}\n`);
    return 1;
  }
}
