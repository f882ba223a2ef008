"""Qt-free core: models, errors, input rules and the redemption service."""
