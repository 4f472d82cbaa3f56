import createDOMPurify, { DOMPurify } from 'dompurify';
import { Marked, Tokens } from 'marked';

/**
 * Markdown to safe HTML for summaries, whose text quotes log lines and so is untrusted.
 *
 * Grafana's `renderMarkdown` (@grafana/data) is built for the text panel, whose author is
 * trusted: its sanitizer keeps raw HTML such as `<img>`, `<iframe>` and `style`
 * attributes. Here a log line must never become markup, so raw HTML is shown as the text
 * it is, and the result then passes DOMPurify with an allow-list of the tags markdown
 * itself produces. The two layers are independent: either alone keeps scripts out.
 */

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const marked = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    // Raw HTML in the summary (a quoted error page, an injected tag) stays visible as text.
    html: ({ text, block }: Tokens.HTML | Tokens.Tag) => (block ? `<p>${escapeHtml(text)}</p>` : escapeHtml(text)),
    // Remote images in untrusted text would load on every view (tracking); show their alt text.
    image: ({ text }: Tokens.Image) => escapeHtml(text),
  },
});

const ALLOWED_TAGS = [
  'a',
  'blockquote',
  'br',
  'code',
  'del',
  'em',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'li',
  'ol',
  'p',
  'pre',
  'strong',
  'table',
  'tbody',
  'td',
  'th',
  'thead',
  'tr',
  'ul',
];

/** Only web and mail links; `javascript:`, `data:` and the like lose their href. */
const SAFE_URL = /^(?:https?:|mailto:)/i;

let purifier: DOMPurify | undefined;

/** A private DOMPurify instance, so its hook never meets hooks other code adds to the shared one. */
function getPurifier(): DOMPurify {
  if (!purifier) {
    purifier = createDOMPurify(window);
    purifier.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A' && node.hasAttribute('href')) {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      }
    });
  }
  return purifier;
}

export function sanitizeHtml(html: string): string {
  return getPurifier().sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: ['href', 'title', 'align', 'start', 'target', 'rel'],
    ALLOWED_URI_REGEXP: SAFE_URL,
  });
}

/** The summary's markdown as HTML that is safe to set as `innerHTML`. */
export function renderSummaryMarkdown(markdown: string): string {
  return sanitizeHtml(marked.parse(markdown) as string);
}
