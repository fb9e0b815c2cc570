// The markup of one view for an embed: taken from index.html, the one place the views' markup
// lives, so the page, the iframe embed and the web component can never drift apart.

import { fetchFile, fileUrl } from './load.js';

let page = null;

/** index.html, parsed once per page (inert: parsing runs no script and loads nothing). */
function indexDocument() {
  page ??= Promise.resolve('index.html').then((path) => fetchFile(fileUrl(path)))
    .then(async (response) => new DOMParser().parseFromString(await response.text(), 'text/html'))
    .catch((err) => {
      page = null; // not kept: the next element tries again
      throw err;
    });
  return page;
}

/**
 * Copies of the message area, the status line and the section of `view`, for `doc`.
 * @param {string} view one of VIEWS
 * @param {Document} doc the document the nodes will live in
 * @returns {Promise<Node[]>}
 */
export async function viewMarkup(view, doc = document) {
  const source = await indexDocument();
  const ids = ['message', 'status', `${view}-view`];
  return ids.map((id) => {
    const node = source.getElementById(id);
    if (!node) throw new Error(`index.html has no #${id}`);
    return doc.importNode(node, true);
  });
}
