# No providers: the module only computes JSON, so `tofu test` runs it offline.
terraform {
  required_version = ">= 1.8.0"
}
