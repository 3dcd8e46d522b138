// kubernetes-models and @kubernetes-models/* publish "import"-only package exports; resolve them with that condition
// (SWC then compiles them to CommonJS, see jest.config.js). Everything else resolves as usual.
'use strict';

const ESM_ONLY = /^(kubernetes-models|@kubernetes-models\/[^/]+)(\/|$)/;

module.exports = (request, options) =>
  options.defaultResolver(request, ESM_ONLY.test(request) ? { ...options, conditions: ['import', 'default'] } : options);
