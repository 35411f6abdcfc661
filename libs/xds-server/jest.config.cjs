module.exports = { ...require('../../jest.preset.cjs'), displayName: 'xds-server' };
