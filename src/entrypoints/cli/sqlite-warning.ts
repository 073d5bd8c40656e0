/**
 * fauxqs (the SQS/S3 emulator of `--backend emulators`) keeps its state in `node:sqlite`, and
 * Node versions where that module is experimental print "ExperimentalWarning: SQLite is an
 * experimental feature…" at emulator start: noise for whoever runs `npm start`, about a module
 * they never chose. This drops exactly that warning; every other warning (other experimental
 * features, deprecations) still prints.
 */
export const isSqliteExperimentalWarning = (warning: unknown, type: unknown): boolean => {
  const name = warning instanceof Error ? warning.name : typeof type === 'string' ? type : undefined;
  const text = warning instanceof Error ? warning.message : String(warning);
  return name === 'ExperimentalWarning' && /\bSQLite\b/i.test(text);
};

let installed = false;

/** Filters the SQLite ExperimentalWarning out of `process.emitWarning` (idempotent). */
export const dropSqliteExperimentalWarning = (): void => {
  if (installed) return;
  installed = true;
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: unknown, ...rest: unknown[]) => {
    const options = rest[0];
    const type =
      typeof options === 'object' && options !== null ? (options as { type?: unknown }).type : (options as unknown);
    if (isSqliteExperimentalWarning(warning, type)) return;
    emit(warning, ...rest);
  }) as typeof process.emitWarning;
};
