import { renderSummaryMarkdown } from './markdown';

/** Attributes that run code, on any element of the rendered summary. */
const handlers = (el: HTMLElement) =>
  Array.from(el.querySelectorAll('*')).flatMap((node) =>
    Array.from(node.attributes)
      .map((a) => a.name)
      .filter((name) => name.startsWith('on'))
  );

/** Renders into a detached element, as the panel does, and returns it for DOM assertions. */
function render(markdown: string): HTMLElement {
  const element = document.createElement('div');
  element.innerHTML = renderSummaryMarkdown(markdown);
  return element;
}

describe('renderSummaryMarkdown', () => {
  it('renders headings, emphasis, lists, code and tables', () => {
    const el = render(
      '## What happened\n\n**47 errors** in `p25f5a7c5`\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n'
    );
    expect(el.querySelector('h2')?.textContent).toBe('What happened');
    expect(el.querySelector('strong')?.textContent).toBe('47 errors');
    expect(el.querySelector('code')?.textContent).toBe('p25f5a7c5');
    expect(el.querySelectorAll('li')).toHaveLength(2);
    expect(el.querySelectorAll('td')).toHaveLength(2);
  });

  it('shows a <script> from log text as text and never as an element', () => {
    const el = render('order failed: <script>alert("x")</script> done');
    expect(el.querySelector('script')).toBeNull();
    expect(el.textContent).toContain('<script>alert("x")</script>');
  });

  it('shows block-level raw HTML as text', () => {
    const el = render('<div onclick="steal()"><iframe src="https://evil.example"></iframe></div>\n\nafter');
    expect(el.querySelector('div, iframe')).toBeNull();
    expect(el.textContent).toContain('<iframe src="https://evil.example"></iframe>');
    expect(handlers(el)).toEqual([]);
  });

  it('neutralises <img onerror>, inline or quoted in an error page', () => {
    const el = render('upstream said <img src=x onerror="fetch(\'//evil\')"> and <b>bold</b>');
    expect(el.querySelector('img, b')).toBeNull();
    expect(handlers(el)).toEqual([]);
    expect(el.textContent).toContain('<img src=x onerror=');
  });

  it('drops javascript: and data: links but keeps their text', () => {
    const el = render('[click](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) <javascript:alert(2)>');
    for (const a of Array.from(el.querySelectorAll('a'))) {
      expect(a.getAttribute('href') ?? '').not.toMatch(/^(javascript|data):/i);
    }
    expect(el.querySelectorAll('a[href]')).toHaveLength(0);
    expect(el.textContent).toContain('click');
  });

  it('keeps web links, opening them in a new tab without an opener', () => {
    const a = render('[runbook](https://runbooks.example/broker)').querySelector('a');
    expect(a?.getAttribute('href')).toBe('https://runbooks.example/broker');
    expect(a?.getAttribute('target')).toBe('_blank');
    expect(a?.getAttribute('rel')).toBe('noopener noreferrer');
  });

  it('shows markdown images as their alt text so untrusted text loads nothing', () => {
    const el = render('![tracking pixel](https://evil.example/p.png)');
    expect(el.querySelector('img')).toBeNull();
    expect(el.textContent?.trim()).toBe('tracking pixel');
  });

  it('keeps log text in code spans verbatim', () => {
    const el = render('`<*> broker returned <*> for order <*>`');
    expect(el.querySelector('code')?.textContent).toBe('<*> broker returned <*> for order <*>');
  });
});
