"""The local stack (`make run`): an API Gateway stand-in (routes and IAM from template.yaml), the web pages,
the API docs, the VIISP stand-in and the sent-mail outbox, with moto for AWS."""
