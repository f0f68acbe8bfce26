// Pi scopes (spec/pi.md §2.2): the four Plaza recognises, in their canonical order. Any other string an app asks
// for (Pi's `platform`, `preferred_language`, `in_app_notifications`, …) is accepted and ignored: never granted,
// never listed in `credentials.scopes`.
export const PI_SCOPES = ['username', 'payments', 'wallet_address', 'roles'] as const;
export type PiScope = (typeof PI_SCOPES)[number];

/** The recognised scopes among `requested`, deduplicated, in canonical order. */
export function recognisedScopes(requested: Iterable<string>): PiScope[] {
  const set = new Set<string>();
  for (const s of requested) set.add(s.trim());
  return PI_SCOPES.filter((s) => set.has(s));
}

/** `username,payments , roles` → its items (empty items dropped); at most 32 items are read. */
export function splitScopeList(list: string): string[] {
  return list
    .split(',')
    .slice(0, 32)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
