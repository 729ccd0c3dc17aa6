// The tutorials' one assertion: print a tick and the claim, or stop with the claim that failed.
// tests/examples/tutorials.test.ts runs every tutorial and counts these lines.
export function check(claim: string, holds: boolean): void {
  if (!holds) throw new Error(`tutorial check failed: ${claim}`);
  console.log(`✓ ${claim}`);
}
