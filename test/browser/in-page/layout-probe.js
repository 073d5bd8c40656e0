// Runs inside the page under test (injected by page-checks.ts; plain JS because the test
// project's TypeScript has no DOM types). Defines window.stampedeLayoutProblems().
window.stampedeLayoutProblems = () => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  const name = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.classList.length ? `.${[...el.classList].join('.')}` : ''}`;
  if (document.documentElement.scrollWidth > width) problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px wide in a ${width} px viewport`);
  const visible = (el) => {
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    return style.display !== 'none' && style.visibility !== 'hidden' && rect.width > 0 && rect.height > 0;
  };
  // An element inside a scrolling or clipping box (ellipsis titles, chat and bid lists) is cut
  // by that box and cannot widen the page: the box itself is checked instead.
  const insideClip = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (getComputedStyle(p).overflowX !== 'visible') return true;
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    if (!visible(el) || insideClip(el)) continue;
    const rect = el.getBoundingClientRect();
    if (rect.left < -0.5 || rect.right > width + 0.5) problems.push(`${name(el)} spans ${Math.round(rect.left)}..${Math.round(rect.right)} px in a ${width} px viewport`);
  }
  const header = document.querySelector('header');
  if (header) {
    const box = header.getBoundingClientRect();
    for (const el of header.querySelectorAll('*')) {
      if (!visible(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) problems.push(`${name(el)} sticks out of the header`);
    }
    const main = document.querySelector('main');
    if (main && main.getBoundingClientRect().top < box.bottom - 0.5) problems.push('main starts under the header');
  }
  return problems;
};
