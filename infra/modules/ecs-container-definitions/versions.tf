terraform {
  # No providers: the module only computes JSON, so `tofu test` runs it offline.
  required_version = ">= 1.8.0"
}
