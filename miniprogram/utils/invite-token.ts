/** Reading the join page's invite token. */

/**
 * The invite token from the page query. A code's `scene` (≤ 32 visible characters) arrives URL-encoded;
 * what the code carries is UNCONFIRMED (we do not make such codes ourselves), so both `invite=TOKEN`
 * (or `i=TOKEN`) and a bare token are read.
 */
export function tokenFromQuery(query: Record<string, string | undefined>): string {
  if (query.invite) return decodeURIComponent(query.invite);
  if (!query.scene) return '';
  const scene = decodeURIComponent(query.scene);
  if (!scene.includes('=')) return scene;
  for (const pair of scene.split('&')) {
    const [key, value] = pair.split('=');
    if ((key === 'invite' || key === 'i') && value) return value;
  }
  return '';
}
