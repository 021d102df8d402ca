/** Finding a Textbaustein by the words typed. Pure: no DOM. */

/** The snippets whose title or text contains every word typed (any case). */
export function matchingSnippets(snippets, query) {
  const words = String(query || '').trim().toLowerCase().split(/\s+/).filter(Boolean);
  return snippets.filter((snippet) => {
    const haystack = (snippet.title + ' ' + snippet.text).toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}
