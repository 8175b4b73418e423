// Two-step sign-in (SPEC 15): how the set-up page shows the key.

/** The base32 key in groups of four ("JBSW Y3DP EHPK 3PXP"), the way authenticator apps and
 * people copy it; the apps ignore the spaces. */
export function groupedKey(secret: string): string {
  return (secret.match(/.{1,4}/g) ?? []).join(' ')
}
