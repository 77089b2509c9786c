#!/usr/bin/env node
// What WeChat DevTools' "构建 npm" does for this project (packNpmManually): copy the `miniprogram`
// folder each dependency declares (tdesign: miniprogram_dist) into miniprogram/miniprogram_npm/<name>.
// Byte-identical to miniprogram-ci's packNpmManually output, without its 276 MB of dependencies.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'miniprogram', 'miniprogram_npm');
const { dependencies = {} } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

fs.rmSync(out, { recursive: true, force: true });
let copied = 0;
for (const name of Object.keys(dependencies)) {
  const pkgDir = path.join(root, 'node_modules', name);
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  if (!pkg.miniprogram) continue; // not a mini program package: DevTools would bundle its main instead
  const src = path.join(pkgDir, pkg.miniprogram);
  fs.cpSync(src, path.join(out, name), { recursive: true });
  copied++;
  console.log(`build:npm ${name}@${pkg.version} -> miniprogram/miniprogram_npm/${name}`);
}
if (copied === 0) {
  console.error('build:npm: no mini program package found in dependencies');
  process.exit(1);
}
