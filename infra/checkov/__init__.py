"""The repository's own checkov checks, run with `--external-checks-dir infra/checkov`
by `nox -s infra` (tools/infra_checks.py): YAML for one resource's arguments, Python where
a rule reads nested or dynamic blocks. infra/tests/test_checkov_checks.py breaks a copy of
each module on purpose and shows the check fails."""
