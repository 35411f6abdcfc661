// Records each jest run's pass/fail counts in .jest-results/ so .ci/run can print one
// `N passed, N failed` line for the whole workspace (jest's own summary is per project).
const fs = require('node:fs');
const path = require('node:path');

class CountReporter {
  constructor(globalConfig) { this.rootDir = globalConfig.rootDir; }
  onRunComplete(_contexts, results) {
    const dir = path.join(__dirname, '..', '.jest-results');
    fs.mkdirSync(dir, { recursive: true });
    const name = path.relative(path.join(__dirname, '..'), this.rootDir).replace(/[\\/]/g, '_') || 'root';
    fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({
      project: name,
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      pending: results.numPendingTests + results.numTodoTests,
    }));
  }
}
module.exports = CountReporter;
