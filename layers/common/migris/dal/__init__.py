"""Data access: one module per DynamoDB table, each a repository taking a boto3 resource, and the SES sender.
DynamoDB's Decimals become ints here and nowhere else."""
