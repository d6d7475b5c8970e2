"""The data model: the scheme (the YAML files beside this module), the tables and their columns,
and the pandera models and Features built from them."""
