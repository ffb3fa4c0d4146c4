"""The local stack: API Gateway, the web pages and (later) VIISP stand-ins, with moto for AWS."""
