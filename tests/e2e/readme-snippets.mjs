// The README's embedding snippets by name (each follows a `<!-- snippet: NAME -->` line), so the
// tests run exactly what the README shows and the documentation cannot drift from what works.
import { readFileSync } from 'node:fs';

const README = new URL('../../docs/embedding.md', import.meta.url);

/**
 * The code of the README's snippet `name`, without its fence.
 * @param {string} name
 * @returns {string}
 */
export function readmeSnippet(name) {
  const text = readFileSync(README, 'utf8');
  const found = text.match(new RegExp(`<!-- snippet: ${name} -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\\n\`\`\``));
  if (!found) throw new Error(`docs/embedding.md has no snippet "${name}"`);
  return found[1];
}
