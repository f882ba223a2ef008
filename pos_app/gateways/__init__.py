"""Gateway clients: Alipay OpenAPI and Taobao Open Platform, signing and envelopes."""
