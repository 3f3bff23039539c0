'use strict';
// The native addon (src/*.c), built by node-gyp into build/Release (or
// build/Debug for `node-gyp rebuild --debug`).
const path = require('node:path');

const root = path.resolve(__dirname, '..');
let addon;
for (const dir of ['Release', 'Debug']) {
  try {
    addon = require(path.join(root, 'build', dir, 'rlc.node'));
    break;
  } catch (e) {
    if (e.code !== 'MODULE_NOT_FOUND') throw e;
  }
}
if (!addon) {
  throw new Error(`rlc: the native addon is not built: run \`npm install\` (or \`npx node-gyp rebuild\`) in ${root}`);
}
module.exports = addon;
