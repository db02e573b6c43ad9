/** Whether a write's arguments ask for a dry run (syndicate, withdraw): it does everything and rolls back. */
export function isDryRun(args: Record<string, unknown>): boolean {
  return (args.input as { dryRun?: boolean } | undefined)?.dryRun === true;
}
