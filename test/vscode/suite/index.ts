// The entry point VS Code's extension host loads as --extensionTestsPath: runs the mocha
// suites beside it, inside the host, against the real VS Code API.
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 90_000, reporter: 'spec' });
  // The runner says which suite fits the workspace it opened (one folder, or several).
  const suite = process.env.CROWNGUARD_E2E_SUITE ?? 'extension';
  mocha.addFile(path.join(__dirname, `${suite}.js`));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} end-to-end test(s) failed`)) : resolve()));
  });
}
