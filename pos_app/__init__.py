"""pos_app: counter redemption app for Koubei/Alipay local-life vouchers."""

__version__ = "0.1.0"
APP_NAME = "pos_app"
