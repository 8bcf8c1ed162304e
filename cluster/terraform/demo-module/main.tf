# A tiny OpenTofu/Terraform module delivered as a Flux OCI artifact (scenario `artifacts`).
# It needs no cloud and no provider download: terraform_data is built into Terraform >= 1.4
# and OpenTofu >= 1.6, so `tofu init && tofu plan` works offline.
terraform {
  required_version = ">= 1.6"
}

resource "terraform_data" "app_config" {
  input = {
    environment = var.environment
    replicas    = var.replicas
    message     = "delivered by Flux from an OCI artifact"
  }
}
