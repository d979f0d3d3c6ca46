"""Self-service infrastructure through Crossplane claims (issue 5).

xrd      load CompositeResourceDefinitions (v1 and v2; v1beta1 refused) into ClaimTypes
schema   Kubernetes structural-schema validation, defaulting and pruning
claim    claim types of the configured platforms; building claims from option values
kube     the one gateway to the ``kubernetes`` client (imported lazily)
status   conditions, composed resources, failures and post-mortems (pure functions)
gitops   writing a claim into a git repository and committing it
secrets  connection-secret summaries, env snippets and .env export
"""
