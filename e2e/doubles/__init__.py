"""Local stand-ins for the APIs the providers call, and the TLS proxy that routes to them."""
