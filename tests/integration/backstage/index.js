// A minimal real Backstage catalog backend for platformctl's integration tests.
// Started by tests/integration/backstage/conftest.py with PORT set; config in app-config.yaml.
'use strict';

const { createBackend } = require('@backstage/backend-defaults');
const { createBackendModule } = require('@backstage/backend-plugin-api');
const { catalogLocationsExtensionPoint } = require('@backstage/plugin-catalog-node');

// `file` locations are refused (400) unless a module allows them; there is no config key.
const allowFileLocations = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'platformctl-file-locations',
  register(env) {
    env.registerInit({
      deps: { locations: catalogLocationsExtensionPoint },
      async init({ locations }) {
        locations.setAllowedLocationTypes(['url', 'file']);
      },
    });
  },
});

const backend = createBackend();
backend.add(require('@backstage/plugin-catalog-backend'));
backend.add(allowFileLocations);
backend.start();
