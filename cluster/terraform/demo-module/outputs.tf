output "app_config" {
  description = "The configuration this module manages."
  value       = terraform_data.app_config.output
}
