"""The MIGRIS sign-in layer: http/ (request and answer glue), domain/ (the rules), dal/ (DynamoDB and SES),
viisp/ (the VIISP protocol and transport), and wiring.py that puts them together."""
