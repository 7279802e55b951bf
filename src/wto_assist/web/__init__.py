"""The local web app (`wto-assist web`)."""
