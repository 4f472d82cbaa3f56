// jsdom has no fetch; the data-source tests talk HTTP to a real local server, so this
// environment lends jsdom Node's own fetch (and the abort types it insists on).
const { TestEnvironment } = require('jest-environment-jsdom');

class JsdomWithFetchEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    Object.assign(this.global, {
      fetch,
      Headers,
      Request,
      Response,
      AbortController,
      AbortSignal,
    });
  }
}

module.exports = JsdomWithFetchEnvironment;
