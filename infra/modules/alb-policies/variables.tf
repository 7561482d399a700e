variable "account_id" {
  description = "Account of the load balancer: Elastic Load Balancing writes its logs under `AWSLogs/<account_id>/`."
  type        = string
}

variable "bucket_arn" {
  description = "ARN of the access-log bucket the policy is attached to."
  type        = string
}

variable "elb_service_account_arn" {
  description = "The region's Elastic Load Balancing account (data source aws_elb_service_account), which delivers the logs."
  type        = string
}
