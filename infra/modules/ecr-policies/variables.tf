variable "partition" {
  description = "AWS partition of the accounts (`aws` in the commercial regions)."
  type        = string
}

variable "pull_account_ids" {
  description = "Other AWS accounts allowed to read (pull and describe) the images; none gives no repository policy."
  type        = list(string)
}

variable "keep_images" {
  description = "Images kept, newest first by push time, whatever their tags; older ones expire."
  type        = number
}

variable "untagged_expiry_days" {
  description = "Days after which untagged images (interrupted pushes) expire; null: no such rule (a repository filled by digest holds only untagged images)."
  type        = number
  default     = null
}
