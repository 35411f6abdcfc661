module.exports = { ...require('../../jest.preset.cjs'), displayName: 'envoy-api' };
