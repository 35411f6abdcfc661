#!/usr/bin/env node
// The `minipilot` command (npx minipilot ...). The TypeScript sources are built by `npm install`.
require('../dist/main.js').main(process.argv).then((code) => { process.exitCode = code; });
