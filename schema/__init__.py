"""The annotation scheme (YAML files beside this module) and the pandera models built from it."""
