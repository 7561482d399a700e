# tflint for infra/modules (run by `nox -s infra`, one module at a time).
# Only the bundled terraform ruleset: it needs no plugin download, so it works offline.
config {
  call_module_type = "none"
}

plugin "terraform" {
  enabled = true
  # Every rule: typed and documented variables and outputs, required version and
  # providers, naming, unused declarations, standard module structure, ...
  preset = "all"
}
