// Backstage scaffolder action `platformctl:new`, written by
// `platformctl golden-path export-backstage` next to each exported Template.
//
// It renders a golden path by running the platformctl CLI in the task's workspace:
//
//   platformctl new GOLDEN_PATH NAME --dest WORKSPACE --data-file ANSWERS --no-input --no-git
//
// so the portal and the CLI use one copier template, copier's own validators and the same
// .copier-answers.yml (a repository created in the portal can be kept current with
// `platformctl update`).  publish:github then creates the git repository.
//
// Install it once in the Backstage backend (new backend system), with platformctl on the
// backend's PATH (or its path in PLATFORMCTL_BIN):
//
//   // packages/backend/src/index.ts
//   backend.add(require('./platformctl-new-action').platformctlScaffolderModule());
//
// Input: goldenPath (string), name (string), answers (object: question -> answer; undefined
// and null answers are left out so copier applies the golden path's defaults), targetPath
// (optional, relative to the workspace, default '.').  The process environment of the backend
// is passed on (PLATFORMCTL_PLATFORM selects the platform, as on a workstation).
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ACTION_ID = 'platformctl:new';

function checkInput(input) {
  if (!input || typeof input !== 'object') throw new Error(`${ACTION_ID}: input is required`);
  for (const key of ['goldenPath', 'name']) {
    if (typeof input[key] !== 'string' || input[key] === '') {
      throw new Error(`${ACTION_ID}: input.${key} must be a non-empty string`);
    }
  }
  if (input.answers !== undefined && (typeof input.answers !== 'object' || Array.isArray(input.answers))) {
    throw new Error(`${ACTION_ID}: input.answers must be an object`);
  }
}

function answersOf(input) {
  const answers = {};
  for (const [key, value] of Object.entries(input.answers || {})) {
    if (value !== undefined && value !== null) answers[key] = value;
  }
  return answers;
}

function targetOf(workspacePath, targetPath) {
  const root = path.resolve(workspacePath);
  const target = path.resolve(root, targetPath || '.');
  if (target !== root && !target.startsWith(root + path.sep)) {
    throw new Error(`${ACTION_ID}: targetPath ${targetPath} is outside the workspace`);
  }
  return target;
}

// The command line (without the executable) for one task.
function commandArgs(input, target, dataFile) {
  return [
    'new', input.goldenPath, input.name,
    '--dest', target,
    '--data-file', dataFile,
    '--no-input', '--no-git',
  ];
}

// Runs platformctl for one task; resolves when it exits 0, rejects with its error line otherwise.
async function runPlatformctlNew(ctx) {
  const { input, workspacePath } = ctx;
  const logger = ctx.logger || console;
  checkInput(input);
  const target = targetOf(workspacePath, input.targetPath);
  // JSON is YAML: the answers keep their types (booleans, numbers) for copier.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'platformctl-new-'));
  const dataFile = path.join(tmp, 'answers.yaml');
  fs.writeFileSync(dataFile, JSON.stringify(answersOf(input)), { mode: 0o600 });
  const bin = process.env.PLATFORMCTL_BIN || 'platformctl';
  const args = commandArgs(input, target, dataFile);
  logger.info(`running ${bin} ${args.join(' ')}`);
  try {
    await new Promise((resolve, reject) => {
      const child = spawn(bin, args, {
        env: { ...process.env, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stdout.on('data', chunk => logger.info(String(chunk).trimEnd()));
      child.stderr.on('data', chunk => {
        stderr += chunk;
        logger.info(String(chunk).trimEnd());
      });
      child.on('error', err => reject(new Error(`${ACTION_ID}: cannot run ${bin}: ${err.message}`)));
      child.on('close', code => {
        if (code === 0) return resolve();
        const lines = stderr.split('\n').filter(l => l.trim());
        const error = lines.filter(l => l.startsWith('error:') || l.startsWith('hint:')).join(' ');
        reject(new Error(`${ACTION_ID}: platformctl exited with ${code}: ${error || lines.slice(-1)[0] || ''}`));
      });
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// The action for the scaffolder backend (needs @backstage/plugin-scaffolder-node).
function createPlatformctlNewAction() {
  const { createTemplateAction } = require('@backstage/plugin-scaffolder-node');
  return createTemplateAction({
    id: ACTION_ID,
    description: 'Render a platformctl golden path (platformctl new) into the workspace',
    async handler(ctx) {
      await runPlatformctlNew(ctx);
    },
  });
}

// A backend module that adds the action to the scaffolder (new backend system).
function platformctlScaffolderModule() {
  const { createBackendModule } = require('@backstage/backend-plugin-api');
  let extensionPoint;
  try {
    ({ scaffolderActionsExtensionPoint: extensionPoint } = require('@backstage/plugin-scaffolder-node'));
  } catch (e) {
    extensionPoint = undefined;
  }
  if (!extensionPoint) {
    ({ scaffolderActionsExtensionPoint: extensionPoint } = require('@backstage/plugin-scaffolder-node/alpha'));
  }
  return createBackendModule({
    pluginId: 'scaffolder',
    moduleId: 'platformctl',
    register(env) {
      env.registerInit({
        deps: { scaffolder: extensionPoint },
        async init({ scaffolder }) {
          scaffolder.addActions(createPlatformctlNewAction());
        },
      });
    },
  });
}

module.exports = {
  ACTION_ID,
  answersOf,
  commandArgs,
  createPlatformctlNewAction,
  platformctlScaffolderModule,
  runPlatformctlNew,
};
