variable "environment" {
  description = "Which environment this configuration is for."
  type        = string
  default     = "staging"
}

variable "replicas" {
  description = "How many replicas the app should run."
  type        = number
  default     = 1
}
