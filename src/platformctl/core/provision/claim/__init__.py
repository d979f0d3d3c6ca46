"""Claim types of the configured platforms, their parameters, and building validated claims.

A claim type is an entry of ``claim_types:`` in a platform's ``platform.yaml``::

    claim_types:
      - name: database
        aliases: [db]
        xrd: claim-types/database/definition.yaml
        resource_type: database            # spec.type of the catalog Resource
        composition_selector:              # Composition label -> field under spec
          provider: parameters.provider

Platforms are read embedded first; a later platform replaces a type of the same name (or
alias) and may add new ones.

* ``model``     ``ClaimType``, ``Param``, ``parameters``, ``Registry``, shared labels and names
* ``registry``  ``load_registry``, ``registry_from_config``
* ``values``    ``coerce``, ``parse_set``
* ``build``     ``build_claim``, ``check_name``, ``request_id``, ``connection_secret_ref``
* ``validate``  ``validate_object``

Every name stays importable from ``platformctl.core.provision.claim``; code that wants the
registry looks it up here (``claim.registry_from_config``) so tests can patch this one place."""

from __future__ import annotations

from platformctl.core.provision.claim.build import (
    BuiltClaim,
    build_claim,
    check_name,
    connection_secret_ref,
    missing_required,
    request_id,
    requested_with_platformctl,
)
from platformctl.core.provision.claim.model import (
    CLAIM_TYPE_LABEL,
    CROSSPLANE_FIELDS,
    MANAGED_BY,
    NAME_RE,
    REQUEST_ID,
    RESERVED_OPTIONS,
    SCALARS,
    ClaimType,
    Param,
    Registry,
    _kebab,
    parameters,
)
from platformctl.core.provision.claim.registry import (
    load_registry,
    registry_from_config,
)
from platformctl.core.provision.claim.validate import (
    validate_object,
)
from platformctl.core.provision.claim.values import (
    _FALSE,
    _TRUE,
    _flow,
    _get_path,
    _set_path,
    coerce,
    parse_set,
)

__all__ = [
    "BuiltClaim",
    "CLAIM_TYPE_LABEL",
    "CROSSPLANE_FIELDS",
    "ClaimType",
    "MANAGED_BY",
    "NAME_RE",
    "Param",
    "REQUEST_ID",
    "RESERVED_OPTIONS",
    "Registry",
    "SCALARS",
    "_FALSE",
    "_TRUE",
    "_flow",
    "_get_path",
    "_kebab",
    "_set_path",
    "build_claim",
    "check_name",
    "coerce",
    "connection_secret_ref",
    "load_registry",
    "missing_required",
    "parameters",
    "parse_set",
    "registry_from_config",
    "request_id",
    "requested_with_platformctl",
    "validate_object",
]
