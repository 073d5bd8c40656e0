type Child = Node | string | number | null | undefined | false;
type Props = Record<string, string | number | boolean | EventListener | undefined>;

/**
 * A tiny element builder: `h('button', { class: 'primary', onclick }, 'Bid')`. Text is always set
 * as text (never HTML), so chat messages and names cannot inject markup.
 */
export const h = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] => {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  for (const child of children)
    if (child !== null && child !== undefined && child !== false)
      el.append(typeof child === 'number' ? String(child) : child);
  return el;
};

/** The element with this id; a page whose HTML lacks it is a bug worth failing loudly on. */
export const byId = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
};

export const setText = (el: HTMLElement, text: string | number): void => {
  const value = String(text);
  if (el.textContent !== value) el.textContent = value;
};

/** Replaces the children of `el`. */
export const render = (el: HTMLElement, ...children: Child[]): void => {
  el.replaceChildren(
    ...children
      .filter((c): c is Node | string | number => c !== null && c !== undefined && c !== false)
      .map((c) => (typeof c === 'number' ? String(c) : c)),
  );
};

/** A short status line under a form: kind 'ok' | 'error' | 'info'. */
export const notice = (el: HTMLElement, kind: 'ok' | 'error' | 'info', text: string): void => {
  el.className = `notice notice-${kind}`;
  setText(el, text);
};
