"""The generator site's own deployment to AWS Lambda: the package (lambda_package), the deploy (lambda_deploy)
and their CloudFormation templates (site.yaml, site-deployments.yaml). The container image is the root's
Dockerfile."""
