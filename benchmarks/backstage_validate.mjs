// Backstage's own validation of catalog files, for benchmarks/bench_catalog.py: every file is
// read and parsed as the catalog does (yaml.parseAllDocuments, merge: false, toJSON), then each
// entity goes through @backstage/catalog-model's envelope validator, the four default policies,
// the built-in kind validators (plus the scaffolder's Template v1beta3) and parseEntityRef on
// its relation fields.  (The glue of shared/oracle/backstage-validate.mjs without placeholders,
// lodash merges and per-document JSON output: the validator, not the bookkeeping.)
//
// Usage: node backstage_validate.mjs NODE_MODULES_PARENT DIR  -> prints {"files", "entities",
// "valid", "invalid", "seconds"} as JSON.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [deps, root] = process.argv.slice(2);
const req = createRequire(path.join(path.resolve(deps), 'package.json'));
const yaml = req('yaml');
const cm = req('@backstage/catalog-model');
const scaffolder = req('@backstage/plugin-scaffolder-common');
process.removeAllListeners('warning');

const started = process.hrtime.bigint();
const envelope = cm.entityEnvelopeSchemaValidator();
const entitySchema = cm.entitySchemaValidator();
const policy = cm.EntityPolicies.allOf([
  new cm.SchemaValidEntityPolicy(),
  new cm.DefaultNamespaceEntityPolicy(),
  new cm.NoForeignRootFieldsEntityPolicy(),
  new cm.FieldFormatEntityPolicy(cm.makeValidator({})),
]);
const validators = [
  cm.apiEntityV1alpha1Validator, cm.componentEntityV1alpha1Validator,
  cm.resourceEntityV1alpha1Validator, cm.groupEntityV1alpha1Validator,
  cm.locationEntityV1alpha1Validator, cm.userEntityV1alpha1Validator,
  cm.systemEntityV1alpha1Validator, cm.domainEntityV1alpha1Validator,
  scaffolder.templateEntityV1beta3Validator,
];
const RELATIONS = {
  Component: [['owner', 'Group'], ['subcomponentOf', 'Component'], ['providesApis', 'API'],
    ['consumesApis', 'API'], ['dependsOn'], ['dependencyOf'], ['system', 'System']],
  API: [['owner', 'Group'], ['system', 'System']],
  Resource: [['owner', 'Group'], ['dependsOn'], ['dependencyOf'], ['system', 'System']],
  User: [['memberOf', 'Group']],
  Group: [['parent', 'Group'], ['children', 'Group'], ['members', 'User']],
  System: [['owner', 'Group'], ['domain', 'Domain']],
  Domain: [['owner', 'Group'], ['subdomainOf', 'Domain']],
};

function files(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...files(full));
    else if (/\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out;
}

async function validate(entity) {
  envelope(entity);
  const enforced = await policy.enforce(entity);
  entitySchema(enforced);
  let ok = false;
  for (const v of validators) if (await v.check(enforced)) { ok = true; break; }
  if (!ok) throw new Error(`No processor recognized ${cm.stringifyEntityRef(enforced)}`);
  const ns = enforced.metadata.namespace;
  for (const [field, defaultKind] of RELATIONS[enforced.kind] ?? []) {
    const targets = enforced.spec?.[field];
    if (!targets) continue;
    for (const t of [targets].flat()) cm.parseEntityRef(t, { defaultKind, defaultNamespace: ns });
  }
}

let entities = 0;
let valid = 0;
const list = files(path.resolve(root));
for (const file of list) {
  const text = fs.readFileSync(file).toString('utf8');
  for (const doc of yaml.parseAllDocuments(text, { merge: false })) {
    if (doc.errors?.length) { entities += 1; continue; }
    const json = doc.toJSON();
    if (json === null) continue;
    entities += 1;
    try {
      await validate(json);
      valid += 1;
    } catch {
      // counted as invalid
    }
  }
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(JSON.stringify({ files: list.length, entities, valid, invalid: entities - valid, seconds }) + '\n');
