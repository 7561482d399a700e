terraform {
  required_version = ">= 1.9.0" # variable validations that compare variables
}
