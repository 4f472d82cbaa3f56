// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';

// i18next (inside @grafana/i18n) prints a sponsorship notice on every init; keep test output readable.
const info = console.info.bind(console);
console.info = (...args) => {
  if (typeof args[0] === 'string' && args[0].includes('i18next is made possible')) {
    return;
  }
  info(...args);
};
