/**
 * Types of the command-line framework: the I/O seam, option and argument specs, and the
 * contract every `src/cli/commands/<name>.ts` file fulfils.
 *
 * @module
 */

/** Where the CLI writes; tests pass their own to capture output. */
export interface CliIo {
  /** Write text to standard output as given (no newline added). */
  stdout(text: string): void;
  /** Write text to standard error as given (no newline added). */
  stderr(text: string): void;
  /** Whether standard output is an interactive terminal. */
  isTerminal: boolean;
  /** Read all of standard input; defaults to the process's stdin. */
  readStdin?: () => Promise<Uint8Array>;
}

/** One `--name` option of a command (`node:util` `parseArgs` style, plus help text). */
export interface CliOption {
  /** `string` takes a value, `boolean` is a switch. */
  type: "string" | "boolean";
  /** One-letter alias, e.g. `h` for `-h`. */
  short?: string;
  /** May be given more than once; the value is then a list. */
  multiple?: boolean;
  /** The value's name in help, e.g. `DIR`. */
  valueName?: string;
  /** One line of help. */
  description: string;
}

/** Options by long name. */
export type CliOptions = Readonly<Record<string, CliOption>>;

/** One positional argument of a command, for arity checks and help. */
export interface CliArgument {
  /** Its name in help, e.g. `DIR` or `HEX|-`. */
  name: string;
  /** One line of help. */
  description: string;
  /** Whether it may be left out (optional arguments come last). */
  optional?: boolean;
}

/** A parsed option value. */
export type OptionValue = string | boolean | (string | boolean)[] | undefined;

/** What a command's `run` receives. */
export interface CommandContext {
  /** The command's positional arguments (the command path removed). */
  readonly positionals: readonly string[];
  /** Parsed options, global ones included, by long name. */
  readonly options: Readonly<Record<string, OptionValue>>;
  /** `--json` was given: print one JSON document on stdout. */
  readonly json: boolean;
  /** The node home: `--home`, else `FCP_HOME`, else `~/.fcp`. Not created here. */
  readonly home: string;
  /** The I/O seam. */
  readonly io: CliIo;
  /** Print a line on stdout. */
  out(line: string): void;
  /** Print a line on stderr. */
  err(line: string): void;
  /** Print a value as JSON (one document, newline-terminated) on stdout. */
  printJson(value: unknown): void;
  /** A string option's value (the last one if repeated). */
  string(name: string): string | undefined;
  /** A repeatable string option's values (empty if absent). */
  strings(name: string): string[];
  /** Whether a boolean option was given. */
  flag(name: string): boolean;
  /** The text of an argument, or of stdin when the argument is `-` or absent. */
  readInput(arg: string | undefined): Promise<string>;
}

/** A subcommand: one file under `src/cli/commands/`, listed in `src/cli/registry.ts`. */
export interface CliCommand {
  /** The words that select it, e.g. `["vectors", "verify"]`. */
  readonly path: readonly string[];
  /** One line for `fcp --help`. */
  readonly summary: string;
  /** The synopsis, e.g. `fcp vectors verify [DIR] [--area AREA]`. */
  readonly usage: string;
  /** Longer help shown by `fcp <command> --help`. */
  readonly description?: string;
  /** Positional arguments (checked for count before `run`). */
  readonly args?: readonly CliArgument[];
  /** Command options (besides the global ones). */
  readonly options?: CliOptions;
  /**
   * Do the work. Return the exit code (`undefined` means 0, 1 means a check failed); throw
   * an `FcpError` to fail with its code's exit code.
   */
  run(ctx: CommandContext): Promise<number | void>;
}
