// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';

// Grafana's Combobox sizes its menu with canvas text metrics, which jsdom lacks.
HTMLCanvasElement.prototype.getContext = () => ({
  font: '',
  measureText: (text) => ({ width: String(text).length * 8 }),
});

// Combobox menus observe their size and visibility; jsdom has neither observer.
class NoopObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
}
global.IntersectionObserver = global.IntersectionObserver ?? NoopObserver;
global.ResizeObserver = global.ResizeObserver ?? NoopObserver;

// The Combobox list is virtualized and renders only rows that fit its measured height;
// jsdom measures everything as 0 x 0, so give elements a size.
for (const property of ['offsetHeight', 'offsetWidth', 'clientHeight', 'clientWidth']) {
  Object.defineProperty(HTMLElement.prototype, property, { configurable: true, get: () => 400 });
}

// i18next (inside @grafana/i18n) prints a sponsorship notice on every init; keep test output readable.
const info = console.info.bind(console);
console.info = (...args) => {
  if (typeof args[0] === 'string' && args[0].includes('i18next is made possible')) {
    return;
  }
  info(...args);
};
