import { PanelPlugin } from '@grafana/data';

import { SummaryPanel } from './components/SummaryPanel';
import { DEFAULT_OPTIONS, SummaryOptions } from './types';

export const plugin = new PanelPlugin<SummaryOptions>(SummaryPanel).setPanelOptions((builder) =>
  builder
    .addBooleanSwitch({
      path: 'showDigest',
      name: 'Show digest',
      description: 'Severity counts, error spikes and the top error templates under the summary.',
      defaultValue: DEFAULT_OPTIONS.showDigest,
    })
    .addNumberInput({
      path: 'maxHeight',
      name: 'Maximum height',
      description: 'Tallest the content grows, in pixels; it scrolls beyond that. 0 fills the panel.',
      defaultValue: DEFAULT_OPTIONS.maxHeight,
      settings: { min: 0, integer: true, placeholder: '0 (fill the panel)' },
    })
);
