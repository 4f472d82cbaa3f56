import { plugin } from './module';

describe('panel options', () => {
  it('offers show/hide digest and maximum height, with defaults', () => {
    const builder = { addBooleanSwitch: jest.fn(), addNumberInput: jest.fn() };
    builder.addBooleanSwitch.mockReturnValue(builder);
    builder.addNumberInput.mockReturnValue(builder);
    // The options supplier is what Grafana calls to build the options pane.
    (plugin as unknown as { optionsSupplier: (b: unknown) => void }).optionsSupplier(builder);
    expect(builder.addBooleanSwitch).toHaveBeenCalledWith(
      expect.objectContaining({ path: 'showDigest', name: 'Show digest', defaultValue: true })
    );
    expect(builder.addNumberInput).toHaveBeenCalledWith(
      expect.objectContaining({ path: 'maxHeight', name: 'Maximum height', defaultValue: 0 })
    );
  });
});
