// localStorage, or null where the browser refuses it (private modes and blocked site data throw on access):
// callers then keep their setting for this page only.
export function safeLocalStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}
