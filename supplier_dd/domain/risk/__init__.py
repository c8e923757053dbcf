"""Risk scoring: inherent risk, declared maturity, red flags and residual risk (pure rules).

The weights, points and bands are data (`supplier_dd/data/risk_model_<version>.toml`); the code
here only knows how to apply them, so a new model version needs no code change.
"""
